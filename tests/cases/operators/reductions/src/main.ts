// ts-json-schema-generator makes no schema of these reductions; tsc judges them.
interface Circle {
  kind: 'circle';
  radius: number;
}
interface Square {
  kind: 'square';
  side: number;
}
type IsObject<T> = T extends {} ? 'object' : 'other';

export interface Reduced {
  impossible?: Circle & Square;
  objectish: IsObject<string | null>;
}
