export const DEFAULT_ACTORS = ['operator', 'kora'] as const;
