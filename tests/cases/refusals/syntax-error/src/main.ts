// expect: X 3:22 syntax error
export const X = { a: 1 };
export const Y = { b: };
