// expect: X 2:19 syntax error: unterminated string literal
export const X = ['a'];
