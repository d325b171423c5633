// expect: X 3:18 binary expression
const A = 2;
export const X = A * 3;
