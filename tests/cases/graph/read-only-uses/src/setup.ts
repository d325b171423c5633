// Imported for its side effects, none of which touch a mirrored value.
import { PLANS } from './plans';

const registry: string[] = [];
registry.push('setup');
const seen = new Map<string, number>();
for (const plan of Object.keys(PLANS)) {
  seen.set(plan, seen.size);
}
export const started = Date.now();
console.log('setup loaded', registry.length, seen.size);
