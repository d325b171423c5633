const BASE = { a: 1, b: 2, c: 3 } as const;
const EXTRA = { z: 'z', a: 'overridden by EXTRA' };
const name = 'shorthand value';

// Quoted, numeric and computed keys; numeric-like keys are ordered first by JavaScript.
export const KEYS = {
  plain: 1,
  'quoted-key': 2,
  "double quoted": 3,
  10: 'ten',
  2: 'two',
  1.5: 'one and a half',
  0x10: 'sixteen',
  ['computed']: 4,
  [`template`]: 5,
  '007': 'not an index',
  name,
};

// Spreads: later keys override, an overridden key keeps its first position.
export const SPREADS = {
  first: true,
  ...BASE,
  b: 'override',
  ...EXTRA,
  last: [...[1, 2], ...['x'],],
};

export const NESTED = {
  level1: { level2: { level3: [{ deep: [[], {}, [[]]] }] } },
  empty: {},
  emptyArray: [],
};

export const TRAILING = [1, 2, 3,];
