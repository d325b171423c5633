// refused: calls Object.defineProperty on CODES, so CODES
export const CODES = { ok: 200 };

Object.defineProperty(CODES, 'created', { value: 201, enumerable: true });
