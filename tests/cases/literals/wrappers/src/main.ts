interface Shape {
  readonly kind: string;
}

// Type-level wrappers do not change the value.
export const WRAPPED = {
  asConst: ['a', 'b'] as const,
  satisfies: { kind: 'circle' } satisfies Shape,
  asType: 'x' as string,
  angle: <number>42,
  nonNull: ('y' as string | null)!,
  parens: ((((1)))),
  frozen: Object.freeze({ inner: Object.freeze(['deep']) }),
};

export const FROZEN_ROOT = Object.freeze({
  rows: Object.freeze([Object.freeze({ id: 1 }), Object.freeze({ id: 2 })]),
} as const);

export const SATISFIED = { kind: 'square' } as const satisfies Shape;
