// refused: syntax error
export const X = { a: 1 };
export const Y = { b: };
