// expect: X 4:3 duplicate key 'a'
export const X = {
  a: 1,
  a: 2,
};
