export const ROLES = ['admin', 'editor', 'viewer', 'free'] as const;
export const PRICES = { pro: 12, team: 30, free: 0, 10: 'ten' } as const;
