// refused: syntax error
import { Y } from './broken';
export const X = { y: Y };
