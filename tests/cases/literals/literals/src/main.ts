// Every literal form whose value JSON.stringify can print.
export const STRINGS = [
  "double \" quote",
  'single \' quote',
  'escapes \n \r \t \b \f \v \0 \\ \/ \a',
  'hex \x41\x7e and unicode \u00e9 \u{1F600} \u{41}',
  'surrogate pair \uD83D\uDE00 and lone \uD800 high',
  'line \
continuation',
  `template without substitutions`,
  `template with
a raw newline and \` backtick`,
  'non-ASCII: café, 日本語, emoji 🎉',
  '',
] as const;

export const NUMBERS = [
  0, 1, -1, +7, 42.5, -0, 0.1, .5, 5., 1e3, 1E-3, 2.5e+10, 1e21, 1.5e-7,
  0x1F, 0XaB, 0o17, 0O7, 0b1011, 0B1, 1_000_000, 0xFF_FF, 1_0.5_0,
] as const;

export const BIG_AND_SMALL = [9007199254740993, 123456789012345678901234567890, 5e-324, 1.7976931348623157e308];

export const BOOLEANS_AND_NULL = { yes: true, no: false, nothing: null, not: !true, notnot: !false };

export const SINGLE = 'just a string';
export const NEGATIVE = -273.15;
