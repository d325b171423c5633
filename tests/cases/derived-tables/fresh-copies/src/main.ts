// Derived tables that call a mutating method or Object.assign on a new array or object (a
// literal, a spread copy, the result of slice/concat/filter/map), and built-ins that only
// read their argument passed as callbacks. None of them changes ROLES, OBJS or LIMITS.
import { OBJS, ROLES } from './roles';

const EXTRA = ['guest', 'admin'] as const;
const LIMITS = { seats: 5, projects: 3 };
const DEFAULTS = { seats: 1, beta: false };

export const TRUTHY = ROLES.filter(Boolean);
export const NAMES = ROLES.map(String);
export const NUMBERS = ROLES.map(Number);
export const SORTED = [...ROLES].sort();
export const SLICE_SORTED = ROLES.slice().sort();
export const REVERSED = [...ROLES].reverse();
export const BY_LENGTH = ROLES.concat(EXTRA).sort((a, b) => a.length - b.length);
export const MERGED = Object.assign({}, DEFAULTS, LIMITS);
export const LENGTHS = ROLES.filter((r) => r !== '').map((r) => r.length);
export const BY_N = [...OBJS].sort((a, b) => a.n - b.n);
export const FIRST_BY_N = OBJS.map((o) => o).sort((a, b) => b.n - a.n)[0];
export const CHAINED = ROLES.filter(Boolean).sort().reverse();
export const VALUES_SORTED = Object.values(LIMITS).sort();
export const LISTS = { ROLES, OBJS, LIMITS, DEFAULTS };

function labels(): string[] {
  return [...ROLES].sort().map((r) => r.toUpperCase());
}
export const LABELS = labels();
