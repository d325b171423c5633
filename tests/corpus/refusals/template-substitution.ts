// expect: X 3:26 substitution ROW is an object, not a primitive
const ROW = { a: 1 };
export const X = `row: ${ROW}`;
