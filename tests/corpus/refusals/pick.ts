// expect: P 3:17 generic type Pick<Base,
interface Base { a: string; b: number }
export type P = Pick<Base, 'a'>;
