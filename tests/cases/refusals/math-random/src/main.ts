// refused: call expression Math.random()
export const X = { a: Math.random() };
