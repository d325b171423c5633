// refused: eval() runs code that cannot be read
export const X = { on: true };

eval('X.on = false');
