/**
 * Unions of object types: each alias gets a decoder of its own. Shape is discriminated
 * by `kind`; Contact has no discriminant, so its members are tried in order.
 */
export interface Circle {
  kind: 'circle';
  radius: number;
}

export interface Square {
  kind: 'square';
  side: number;
  /** A caption; null when removed. */
  label?: string | null;
}

/** Something to draw. */
export type Shape = Circle | Square | { kind: 'triangle'; base: number; height: number };

/** How to reach someone: the first member that accepts a document is the one decoded. */
export type Contact = { email: string } | { phone: string } | { email: string; phone: string };
