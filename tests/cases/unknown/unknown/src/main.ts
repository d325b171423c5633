interface Box<T> {
  value: T;
}

export interface Unknowns {
  anything: any;
  maybe?: unknown;
  list: unknown[];
  table: Record<string, any>;
  boxed: Box<unknown>;
  pair: [unknown, string];
}
