// expect: T 2:31 an element after the rest element
export type T = [...string[], number];
