interface Page<T, Meta = { total: number }, Cursor extends string = string> {
  items: T[];
  meta: Meta;
  cursor?: Cursor;
}
type Pair<A, B = A> = [A, B];
interface Chain<T> {
  value: T;
  next: Chain<T> | null;
}
class Holder<T extends string | number = 'x'> {
  constructor(public held: T) {}
}
type ById<T extends { id: string }> = Record<string, T>;

export interface Defaults {
  page: Page<string>;
  custom: Page<number, { total: number; more: boolean }, 'a' | 'b'>;
  pair: Pair<number>;
  chain: Chain<boolean>;
  holder: Holder;
  byId: ById<{ id: string; n: number }>;
}
