// expect: X 3:20 let binding
let flag = true;
export const X = { flag };
