interface Box<T, U = string> {
  value: T;
  label?: U;
  items: Array<T>;
}
type Maybe<T> = T | null;
interface Tree<T> {
  value: T;
  children: Tree<T>[];
}
type Pair<A, B extends string = 'x'> = { first: A; second: B };
class Holder<T> {
  constructor(public held: T) {}
}
type Wrapped<T> = { inner: Box<T> };
interface Labelled<T> extends Box<T, number> {
  tag: T;
}

export interface Generics {
  numbers: Box<number>;
  strings: Box<string, boolean>;
  maybe: Maybe<number>;
  tree: Tree<string>;
  pair: Pair<Box<number>>;
  holder: Holder<'on' | 'off'>;
  wrapped: Wrapped<boolean>;
  labelled: Labelled<string>;
}
