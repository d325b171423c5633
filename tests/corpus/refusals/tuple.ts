// expect: T 2:17 tuple type
export type T = [string, number];
