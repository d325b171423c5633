// refused: call expression rows()
// a global function tsmirror does not know, spread into an object
export const X = { ...rows() };
