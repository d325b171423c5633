// expect: FLAGS patch.ts:3:1 assigns ns.DEFAULTS.beta, so FLAGS
import './patch';
export { FLAGS } from './flags';
