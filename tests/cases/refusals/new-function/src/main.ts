// refused: new Function() runs code that cannot be read
export const X = { on: true };

export const f = new Function('return 1');
