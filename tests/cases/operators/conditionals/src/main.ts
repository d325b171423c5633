type ElementOf<T> = T extends readonly (infer E)[] ? E : never;
type ValueOf<T> = T extends { value: infer V } ? V : never;
type First<T> = T extends [infer F, ...unknown[]] ? F : null;
type Flatten<T> = T extends (infer U)[] ? Flatten<U> : T;
type NotString<T> = T extends string ? never : T;
type AllStrings<T> = [T] extends [string] ? 'all' : 'mixed';

export interface Conditionals {
  element: ElementOf<readonly ('a' | 'b')[]>;
  value: ValueOf<{ value: number }>;
  first: First<[boolean, string]>;
  none: First<[]>;
  flat: Flatten<number[][][]>;
  filtered: NotString<'a' | 1 | true>;
  strings: AllStrings<'a' | 'b'>;
  mixed: AllStrings<'a' | 1>;
}
