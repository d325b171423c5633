// expect: X 3:25 template literal with a substitution
const who = 'kora';
export const X = `hello ${who}`;
