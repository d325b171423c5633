// expect: X 2:19 cannot resolve import './nowhere'
import { Y } from './nowhere';
export const X = { y: Y };
