// Template literal types with holes that admit infinitely many strings: a string checked
// by a pattern that splits it as TypeScript does.

type Kind = 'user' | 'team';

/** `user-1`, `team-2.5`... */
export type Id = `${Kind}-${number}`;

export interface Ref {
  id: Id;
  path: `/${string}/edit`;
  count?: `${number}`;
  mixed: `v${number}` | 'latest' | null;
  pair: `${number}x${number}`;
}
