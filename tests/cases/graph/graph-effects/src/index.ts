export * from './flags';
export { FLAGS as DEFAULT_FLAGS } from './flags';
