// refused: arrow function
export const X = (p: number) => p;
