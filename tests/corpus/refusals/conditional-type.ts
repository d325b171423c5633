// expect: C 2:17 conditional type
export type C = string extends number ? 1 : 2;
