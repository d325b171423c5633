// refused: cannot resolve import './nowhere'
import { Y } from './nowhere';
export const X = { y: Y };
