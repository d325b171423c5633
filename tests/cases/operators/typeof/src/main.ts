const DEFAULTS = { retries: 3, mode: 'fast', tags: ['a'], nested: { on: true } };
const FROZEN = { retries: 3, mode: 'fast' } as const;
const ROLES = ['admin', 'user'] as const;
const PORT: number = 8080;

export interface Typeofs {
  defaults: typeof DEFAULTS;
  frozen: typeof FROZEN;
  roles: typeof ROLES;
  role: (typeof ROLES)[number];
  port: typeof PORT;
  keys: keyof typeof DEFAULTS;
  mode: (typeof DEFAULTS)['mode'];
}
