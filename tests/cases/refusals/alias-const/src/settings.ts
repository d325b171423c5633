export const SETTINGS = { theme: 'light', nested: { dense: false } };
