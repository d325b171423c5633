interface Base {
  id: string;
  name?: string;
  count: number;
  tags: string[];
}
const CONFIG = { host: 'localhost', port: 80, flags: [true], nested: { on: true } };
const LEVELS = { low: 1, high: 2 } as const;
const NAME = 'fixed';
const SIZES = ['s', 'm'];
const MODES = ['r', 'w'] as const;
const DECLARED: { limit: number; unit?: 'ms' | 's' } = { limit: 5 };
type Unwrap<T> = T extends Array<infer U> ? U : T;
type IsText<T> = T extends string ? 'text' : 'other';
type Kind = 'alpha' | 'beta';
enum Tone {
  Soft = 'soft',
  Loud = 'loud',
}
enum Step {
  First,
  Second,
}
namespace Limits {
  export const MAX: number = 10;
  export const NAME = 'limits';
}
type IsTrue<T> = T extends true ? 'yes' : 'no';
type Field<T, K extends keyof T> = T[K];

export interface Operators {
  key: keyof Base;
  id: Base['id'];
  tag: Base['tags'][number];
  either: Base['id' | 'count'];
  picked: Field<Base, 'count'>;
  config: typeof CONFIG;
  port: (typeof CONFIG)['port'];
  levels: typeof LEVELS;
  level: (typeof LEVELS)[keyof typeof LEVELS];
  name: typeof NAME;
  size: (typeof SIZES)[number];
  mode: (typeof MODES)[number];
  declared: typeof DECLARED;
  unwrapped: Unwrap<number[]>;
  same: Unwrap<boolean>;
  distributed: IsText<'a' | 1>;
  excluded: Exclude<'a' | 'b' | 'c', 'a'>;
  extracted: Extract<string | number | boolean, string | boolean>;
  nonNull: NonNullable<string | null | undefined>;
  event: `on_${Kind}`;
  upper: Uppercase<Kind>;
  capital: Capitalize<Kind>;
  overBoolean: IsTrue<boolean>;
  notTrue: Exclude<boolean, true>;
  flagged: `is_${boolean}`;
  max: typeof Limits.MAX;
  limitsName: typeof Limits.NAME;
}

/** Kept apart: tsc, which judges where the generator departs, has no literal for an enum member. */
export interface EnumOperators {
  toneNames: keyof typeof Tone;
  stepNames: keyof typeof Step;
  tones: typeof Tone;
}
