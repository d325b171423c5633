// expect: P 3:17 generic type Partial<Base>
interface Base { a: string }
export type P = Partial<Base>;
