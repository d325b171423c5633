// refused: duplicate key 'k' in object literal (TS1117); first written at 4:3
const K = { A: 'k' } as const;
export const X = {
  [K.A]: 1,
  [K.A]: 2,
};
