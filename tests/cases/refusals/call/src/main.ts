// refused: call expression row(true) is not statically evaluable
// row is declared nowhere: a global tsmirror does not know
export const X = { cap_a: row(true) };
