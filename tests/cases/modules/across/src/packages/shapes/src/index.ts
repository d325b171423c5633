export type { Audited } from './base';
export { Channel } from './base';
export * from './status';
