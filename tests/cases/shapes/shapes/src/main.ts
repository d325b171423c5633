import { Base, Tagged } from './base';

export const ROLES = ['admin', 'member', 'guest'] as const;
export const LIMITS = { small: 1, medium: 10, large: 100 } as const;

/** A role name, from the ROLES tuple. */
export type Role = (typeof ROLES)[number];
export type LimitName = keyof typeof LIMITS;
export type LimitValue = typeof LIMITS[keyof typeof LIMITS];

export enum Color {
  Red = 'red',
  Green = 'green',
}

export enum Priority {
  Low,
  High,
}

/** Everything a document may say about one member. */
export interface Member extends Base {
  /** The member's role. */
  role: Role;
  readonly nickname?: string;
  email: string | null;
  note?: string | undefined;
  tags: string[];
  scores: readonly number[];
  history: Array<boolean>;
  frozen: ReadonlyArray<Color>;
  limits: Record<string, number>;
  perLimit: Record<LimitName, boolean>;
  level: LimitValue;
  priority: Priority;
  flag: true;
  answer: 42 | 43;
  mixed: 'on' | 'off' | 0 | null;
  nested: { inner: string; count?: number };
  tagged: Tagged;
}

export type Pair = { left: number } & { right: number };

export type Envelope = {
  schema_version: 1;
  members: Member[];
  pair?: Pair;
};
