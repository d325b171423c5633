// refused: for statement
// a callback body may hold const, if/else and return only
export const X = [1, 2].map((n) => { for (;;) {} return n; });
