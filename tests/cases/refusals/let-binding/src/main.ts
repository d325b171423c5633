// refused: let binding
let flag = true;
export const X = { flag };
