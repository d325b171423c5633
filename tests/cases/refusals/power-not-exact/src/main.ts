// refused: is not an exact double
// V8's pow is not correctly rounded: only exact powers are computed
export const X = 3 ** 40;
