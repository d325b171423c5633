// expect: T 2:21 Lowercase<string> of a type that is not a union of string literals
export type T = `a${Lowercase<string>}`;
