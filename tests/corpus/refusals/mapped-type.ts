// expect: M 2:19 mapped type
export type M = { [K in 'a' | 'b']: boolean };
