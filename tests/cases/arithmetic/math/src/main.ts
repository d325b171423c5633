// Math and Number as V8 computes them, and where doubles surprise.
export const MATH = {
  abs: Math.abs(-2.5),
  floor: Math.floor(-1.5),
  ceil: Math.ceil(1.2),
  trunc: Math.trunc(-1.7),
  round: [Math.round(2.5), Math.round(-2.5), Math.round(-0.5), Math.round(0.49999999999999994)],
  sign: Math.sign(-3),
  sqrt: Math.sqrt(2),
  max: Math.max(1, 3, 2),
  min: Math.min(),
  pow: [2 ** 10, 2 ** -3, 10 ** 6, 1.5 ** 2, 2 ** 0.5, Math.pow(3, 3)],
};

export const NUMBERS = {
  fixed: [(1.005).toFixed(2), (0.5).toFixed(0), (1e21).toFixed(2)],
  radix: [(255).toString(16), (-255).toString(2)],
  parsed: [parseInt('08'), parseInt('0x1f'), parseInt('12px'), Number.parseFloat('3.14abc'), parseInt('z', 36)],
  checks: [Number.isInteger(5.0), Number.isSafeInteger(2 ** 53), Number.isFinite(1 / 0), Number.isNaN(0 / 0)],
};

export const EDGES = [0.1 + 0.2, 1 / 3, -0, 1 / 0, -1 / 0, 0 / 0, 2 ** 53 + 1, 5e-324 / 2, 1e21 + 1, -7 % 3, 7 % -3];

export const DAY = 24 * 60 * 60 * 1000;
