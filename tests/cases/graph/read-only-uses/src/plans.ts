export const PLANS = {
  free: { price: 0, features: ['basic'] },
  pro: { price: 20, features: ['basic', 'export'] },
} as const;

export const PLAN_NAMES = Object.keys(PLANS);

/** Reads a plan; never changes one. */
export function priceOf(plan: keyof typeof PLANS): number {
  return PLANS[plan].price;
}

export function countFeatures(plan: { features: readonly string[] }): number {
  return plan.features.length;
}
