// refused: type 'bigint' has no JSON form
export type T = `a${bigint}`;
