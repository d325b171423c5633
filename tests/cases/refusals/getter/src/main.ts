// expect: X 3:3 method or accessor
export const X = {
  get now() { return 1; },
};
