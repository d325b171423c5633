export const LIB = { fromLib: 1 } as const;
export const HIDDEN = 'reached through export *';
export enum Access {
  PullRead = 'pull:read',
  PushWrite = 'push:write',
}
export enum Level {
  Low,
  Mid,
  High = 10,
  Higher,
  Negative = -5,
  AfterNegative,
}
export const KEYS = { PULL_READ: 'pull_read', PUSH_WRITE: 'push_write' } as const;
export default { defaultExport: [1, 2, 3] } as const;
