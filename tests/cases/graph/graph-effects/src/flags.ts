import { describeFlags } from './describe';

export const FLAGS = { beta: false, regions: ['eu', 'us'] };

// A cycle with describe.ts: only functions cross it, so nothing is read too early.
export function flagCount(): number {
  return describeFlags().length;
}
