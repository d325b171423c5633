// String methods and tables derived from a list.
const NAMES = ['alpha', 'Beta', 'gamma'] as const;

export const STRINGS = {
  upper: NAMES.map((n) => n.toUpperCase()),
  joined: NAMES.join('-'),
  split: 'a,b,,c'.split(','),
  padded: NAMES.map((n) => n.padStart(6, '*')),
  sliced: 'substrate'.slice(-5),
  replaced: 'a-b-c'.replaceAll('-', '+'),
  code: 'Z'.charCodeAt(0),
  last: NAMES.at(-1),
  starting: NAMES.filter((n) => n.startsWith('g')),
  repeated: 'ab'.repeat(3),
  trimmed: '  x  '.trim(),
};

export const TABLE = Object.fromEntries(
  NAMES.map((name, index) => [name, { index, length: name.length }]),
);

export const BY_FIRST = NAMES.reduce<Record<string, string>>(
  (acc, name) => ({ ...acc, [name.charAt(0)]: name }),
  {},
);

export const COUNTS = Object.entries(TABLE)
  .filter(([, row]) => row.length > 4)
  .map(([name, row]) => `${name}:${row.index}`);
