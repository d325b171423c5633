export type Status = 'active' | 'paused';
export type MaybeStatus = Status | null;
