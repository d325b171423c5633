// refused: assigns FLAGS.beta, so FLAGS (src/flags.ts:1:14) is not a constant
import './patch';
export { FLAGS } from './flags';
