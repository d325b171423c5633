// expect: SETTINGS helper.ts:4:1 assigns current.theme, so SETTINGS
import './helper';
export { SETTINGS } from './settings';
