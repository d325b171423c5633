// expect: NOPE - 'NOPE' is not exported
export const X = 1;
