// expect: X 4:27 call expression row(true) is not statically evaluable
const row = (k: boolean) => ({ kora: k });

export const X = { cap_a: row(true) };
