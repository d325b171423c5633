// Arithmetic, bitwise, comparison and logical operators on constants, with JavaScript's
// traps: remainders keep the dividend's sign, doubles lose integers past 2**53, shifts are
// 32-bit, and string concatenation prints numbers as JavaScript does.
const A = 2;
const MINUTE = 60_000;
const TOLERANCE_MINUTES = 3;
const VERSION = '1.4';
const ROW = { a: 1 };

export const PRODUCT = A * 3;
export const DAY_SECONDS = 3600 * 24;
export const WINDOW_MS = 8 * MINUTE;
export const TOLERANCE_MS = TOLERANCE_MINUTES * 60 * 5;
export const ANGLE = Math.PI / 12;
export const LABEL = 'v' + VERSION;
export const REMAINDERS = [-7 % 3, 7 % -3, -4 % 2, 5.5 % 2, 1 % 0, 5 % Infinity];
export const BIG = [2 ** 53 + 1, 2 ** 53 + 2, 2 ** 64, 2 ** -1074, 10 ** 21, 10 ** 22];
export const SHIFTS = [1 << 32, 1 << 31, -1 >>> 0, -1 >> 28, 5 >>> 33, ~5, ~-1, 2 ** 32 | 0];
export const BITS = [6 & 3, 6 | 3, 6 ^ 3, 1.9 | 0, -1.9 | 0, NaN | 0, Infinity & 1];
export const CONCAT = ['a' + 1.5e21, 'a' + 1e-7, 'a' + -0, 'a' + null, 1 + 2 + 'x', 'x' + 1 + 2];
export const FLOATS = [0.1 + 0.2, 1 / 3, 1 / 0, -1 / 0, 0 / 0, 1 / -0, -0, 0 * -1];
export const COMPARISONS = [1 < 2, 'b' < 'a', 'a' < 'b', '10' < '9', 10 < 9, NaN < 1, NaN >= NaN, null >= 0];
export const EQUALITY = [1 === 1.0, NaN === NaN, 0 === -0, '1' === 1 as unknown, null !== undefined];
export const LOGICAL = [null ?? 'd', 0 ?? 'd', 0 || 'd', '' && 'x', 'a' && 'b', undefined ?? null];
export const CONDITIONAL = A > 1 ? 'many' : 'one';
export const UNARY = [-'3', +'0x1f', +'', +' 12 ', +'1_0', +[], +[5], !'', !!'0', -null, +true];
export const CONSTANTS = [Math.E, Math.LN2, Math.LN10, Math.LOG2E, Math.LOG10E, Math.SQRT2, Math.SQRT1_2];
export const NUMBER_CONSTANTS = [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.EPSILON, Number.MAX_VALUE, Number.MIN_VALUE];
export const TEMPLATE = `row: ${ROW} ${[1, [2, 3]]} ${1e21} ${-0} ${null} ${undefined} ${A ** 10}`;
export const TYPES = [typeof A, typeof VERSION, typeof ROW, typeof null, typeof undefined];
