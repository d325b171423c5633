interface Base {
  readonly id: string;
  name?: string;
  count: number;
}
type Keys = 'a' | 'b';
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type AllOptional<T> = { +readonly [K in keyof T]+?: T[K] };
type Nullable<T> = { [K in keyof T]: T[K] | null };
type Prefixed<T> = { [K in keyof T as `x_${K & string}`]: T[K] };

export interface Modifiers {
  mutable: Mutable<Base>;
  allOptional: AllOptional<Base>;
  nullable: Nullable<Pick<Base, 'id' | 'count'>>;
  overUnion: Partial<{ a: string } | { b: number }>;
  upperKeys: { [K in Keys as Uppercase<K>]: K };
  readonlyRecord: Readonly<Record<Keys, number>>;
  requiredPartial: Required<Partial<Base>>;
}

/** Apart: ts-json-schema-generator reads the keys `x_${K & string}` as none at all. */
export interface Remapped {
  prefixed: Prefixed<Base>;
}
