// expect: X 2:18 arrow function
export const X = (p: number) => p;
