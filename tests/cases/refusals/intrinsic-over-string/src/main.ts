// refused: Uppercase<string> admits infinitely many strings
export type T = Uppercase<string>;
