// expect: X broken.ts:1:23 syntax error
import { Y } from './broken';
export const X = { y: Y };
