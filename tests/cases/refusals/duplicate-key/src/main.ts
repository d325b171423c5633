// refused: duplicate key 'a'
export const X = {
  a: 1,
  a: 2,
};
