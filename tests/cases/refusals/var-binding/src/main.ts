// refused: var binding
var n = 1;
export const X = [n];
