export interface Circle {
  kind: 'circle';
  radius: number;
}
export interface Square {
  kind: 'square';
  side: number;
  label?: string | null;
}

/** Discriminated by `kind`: interfaces and an inline object type. */
export type Shape = Circle | Square | { kind: 'triangle'; base: number; height: number };

/** An alias of the union, with literals and null beside it. */
export type MaybeShape = Shape | 'none' | null;

/** Boolean discriminants. */
export type Result = { ok: true; value: string } | { ok: false; error: string };

/** A discriminant whose member admits several values, and numeric ones. */
export type Event = { type: 'open' | 'reopen'; at: number } | { type: 'close'; reason?: string } | { type: 1; code: number };

/** A null discriminant and a key that is no identifier. */
export type Tagged = { 'the-tag': null; n: number } | { 'the-tag': 'x'; s: string };

/** Not discriminated: kind 'a' is in both; members are tried in order. */
export type Overlap = { kind: 'a'; x: number } | { kind: 'a' | 'b'; x?: number; y?: number };

/** Not discriminated: no common literal property. */
export type Contact = { email: string } | { phone: string } | { email: string; phone: string };

/** Not discriminated: a record takes any object too. */
export type Loose = { kind: 'a'; n: number } | Record<string, boolean>;

/** Not discriminated: the discriminant is optional in one member. */
export type Optional = { kind: 'a'; n: number } | { kind?: 'b'; s: string };

/** Union aliases as field types. */
export interface Scene {
  main: Shape;
  all: Shape[];
  maybe?: MaybeShape;
  byName: Record<string, Result>;
  contact: Contact;
}

/** Discriminated, with an index signature beside the discriminant in one member. */
export type Indexed = { kind: 'a'; [key: string]: string } | { kind: 'b'; n: number };
