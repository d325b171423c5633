// refused: assigns current.theme, so SETTINGS
import './helper';
export { SETTINGS } from './settings';
