// expect: X 2:23 call expression Math.random()
export const X = { a: Math.random() };
