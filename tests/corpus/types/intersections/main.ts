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

export interface Intersections {
  shape: Meta & (Circle | Square);
  merged: { a: string; b?: number } & { b: number; c: boolean };
  narrowed: { v: string } & { v: Literal };
  filtered: Literal & ('y' | 'z' | 'w');
  conflict?: { a: string } & { a: number };
}
