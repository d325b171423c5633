import './setup';
import { PLANS, countFeatures, priceOf } from './plans';

export { PLANS };

export const ROLES = ['owner', 'admin', 'member'] as const;
export const ERROR_CODES = { notFound: 404, conflict: 409, teapot: 418 } as const;
export const ITEMS = [
  { id: 'a', label: 'Alpha' },
  { id: 'b', label: 'Beta' },
];

// Lookups built from the tables: copies, accumulators and reads.
const ROLE_SET = new Set(ROLES);
const CODE_VALUES = Object.values(ERROR_CODES);
const BY_ID = ITEMS.reduce<Record<string, (typeof ITEMS)[number]>>((acc, item) => {
  acc[item.id] = item;
  return acc;
}, {});
const LABELS = new Map<string, string>();
for (const item of ITEMS) {
  LABELS.set(item.id, item.label);
}
const sorted = [...ROLES].sort();
const copy = { ...ERROR_CODES, extra: 1 };
copy.extra = 2;
Object.freeze(ROLES);

console.log(ROLES, JSON.stringify(ERROR_CODES), Array.isArray(ITEMS), Object.entries(PLANS));
console.log(ROLE_SET.has('owner'), CODE_VALUES.includes(404), BY_ID.a, LABELS.get('b'), sorted);
console.log(priceOf('pro'), countFeatures(PLANS.free), Object.keys(ITEMS).length);

export function isRole(value: string): boolean {
  return ROLE_SET.has(value as (typeof ROLES)[number]);
}
