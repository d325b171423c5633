// refused: assigns target.registered, so DEFAULTS
import { register } from './register';

export const DEFAULTS = { retries: 3 };
register(DEFAULTS);
