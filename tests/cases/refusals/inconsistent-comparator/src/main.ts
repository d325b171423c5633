// refused: not a consistent order
// with NaN, a - b orders nothing; V8's result would depend on its sort algorithm
export const X = [3, NaN, 1].toSorted((a, b) => a - b);
