// refused: method or accessor
export const X = {
  get now() { return 1; },
};
