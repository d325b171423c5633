// refused: Lowercase<string> of a type that is not a union of string literals
export type T = `a${Lowercase<string>}`;
