// refused: V8 prints a fraction in another radix with digits no spec fixes
export const X = (0.5).toString(2);
