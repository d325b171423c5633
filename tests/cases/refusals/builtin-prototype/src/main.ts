// refused: toJSON, a built-in every module shares, so LABELS
import './polyfill';
export const LABELS = { a: 'A' };
