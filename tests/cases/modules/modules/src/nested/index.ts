export * from '../lib';
export { LIB as RENAMED_LIB } from '../lib';
export const NESTED_INDEX = 'from nested/index.ts';
