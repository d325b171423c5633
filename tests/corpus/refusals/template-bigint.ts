// expect: T 2:21 type 'bigint' has no JSON form
export type T = `a${bigint}`;
