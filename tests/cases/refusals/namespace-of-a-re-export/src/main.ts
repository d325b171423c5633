// refused: assigns ns.DEFAULTS.beta, so FLAGS
import './patch';
export { FLAGS } from './flags';
