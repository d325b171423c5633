// refused: syntax error: unterminated string literal
export const X = ['a'];
