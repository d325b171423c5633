// refused: an element after the rest element
export type T = [...string[], number];
