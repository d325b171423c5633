// expect: X 3:19 var binding
var n = 1;
export const X = [n];
