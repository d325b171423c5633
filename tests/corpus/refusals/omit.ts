// expect: P 3:17 generic type Omit<Base,
interface Base { a: string; b: number }
export type P = Omit<Base, 'a'>;
