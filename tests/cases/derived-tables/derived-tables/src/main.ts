// Lookups derived from constant tables, as real constant files build them: Object.*,
// array and string methods, callbacks (arrow functions and declared functions), new Set.
import { PRICES, ROLES } from './roles';

const PLANS = ['free', 'pro', 'team'] as const;
const READ = ['read:a', 'read:b'];
const WRITE = ['write:a'];
const LIMITS = { free: { seats: 1 }, pro: { seats: 5 }, team: { seats: 50 } };
const TOLERANCE_MINUTES = 3;

function isPaid(plan: string): boolean {
  const price = (PRICES as Record<string, unknown>)[plan];
  if (typeof price !== 'number') {
    return false;
  } else if (price > 0) return true;
  return false;
}

export const ROLE_FLAGS = Object.fromEntries(ROLES.map((r) => [r, true]));
export const PAID_PLANS = PLANS.filter((p) => p !== 'free');
export const PRICE_KEYS = Object.keys(PRICES);
export const PRICE_VALUES = Object.values(PRICES);
export const SCOPES = READ.concat(WRITE);
export const SEATS = Object.entries(LIMITS)
  .map(([plan, { seats }]) => `${plan}:${seats}`)
  .join(', ');
export const TOTAL_SEATS = Object.values(LIMITS).reduce((sum, l) => sum + l.seats, 0);
export const PAID = PLANS.filter(isPaid);
export const UPPER = ROLES.map((r) => r.toUpperCase()).toSorted();
export const UNIQUE = [...new Set([...READ, ...READ, ...WRITE].map((s) => s.split(':')[0]))];
export const BY_LENGTH = ROLES.toSorted((a, b) => a.length - b.length || (a < b ? -1 : 1));
export const INDEXED = Object.fromEntries(PLANS.map((p, i) => [i * 10, p]));
export const PAIRS = ROLES.flatMap((r, i) => (i % 2 ? [] : [r, i]));
export const RANGE = Array.from({ length: 4 }, (_, i) => i * TOLERANCE_MINUTES * 60_000);
export const LABELS = PLANS.map((p) => `${p.padEnd(5, '.')}${(PRICES[p] / 3).toFixed(2)}`);

// Functions of the module, called directly, spread and used as callbacks; a helper may
// read a const declared after it, since it runs only when called.
const row = (k: boolean) => ({ kora: k });
const rows = () => ({ a: 1 });
function label(r: string): string {
  return PREFIX + r;
}
const PREFIX = 'role:';
export const CALLED = { cap_a: row(true) };
export const SPREAD_CALL = { ...rows(), b: 2 };
export const LABELLED = ROLES.map(label);
