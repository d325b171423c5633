interface Point {
  x: number;
  y: number;
}
const PAIR = ['left', 2] as const;
type Labelled = [label: string, weight?: number];

export interface Tuples {
  fixed: [string, number];
  optional: [string, number?, boolean?];
  rest: [string, ...number[]];
  onlyRest: [...boolean[]];
  named: Labelled;
  readonlyPair: readonly [Point, Point];
  empty: [];
  literal: typeof PAIR;
  first: Labelled[0];
  any: Labelled[number];
  spread: [...Labelled, ...string[]];
}
