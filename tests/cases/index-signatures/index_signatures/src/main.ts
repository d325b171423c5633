// Index signatures beside known properties: the known keys are typed, every other key
// must hold the signature's type (TypeScript requires the known ones to hold it too).

/** Known counters, and any number of labelled extras. */
export interface Bag {
  id: string;
  count: number;
  [key: string]: number | string;
}

// A property named like the Python attribute that holds the extra keys.
export type Renamed = {
  extra: string;
  [k: string]: string | boolean;
};

// `Record<string, V> & {known}`: the known property must hold V as well.
export type Joined = { id: 'a' | 'b' | 3 } & Record<string, string | number>;

// The signature is inherited.
export interface Child extends Bag {
  more: 'x';
}

// Objects as extra values, decoded into the mirror's own classes.
export interface Nested {
  bags: Bag[];
  [name: string]: Bag[] | { n: number };
}

// An index signature through keyof and indexed access.
export type AnyKey = keyof Bag;
export interface Lookups {
  known: Bag['count'];
  other: Bag['anything'];
  key: AnyKey;
}
