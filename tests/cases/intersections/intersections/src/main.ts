interface Circle {
  kind: 'circle';
  radius: number;
}
interface Square {
  kind: 'square';
  side: number;
}
interface Meta {
  id: string;
}
type Literal = 'x' | 'y' | 'z';
type Outer = { inner: { x: string; y?: number } };
type Other = { inner: { y: number; z: boolean }; other: 1 };

export interface Intersections {
  shape: Meta & (Circle | Square);
  merged: { a: string; b?: number } & { b: number; c: boolean };
  narrowed: { v: string } & { v: Literal };
  filtered: Literal & ('y' | 'z' | 'w');
  conflict?: { a: string } & { a: number };
}

export interface Nested {
  nested: Outer & Other;
}
