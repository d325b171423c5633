export { FLAGS as DEFAULTS } from './flags';
