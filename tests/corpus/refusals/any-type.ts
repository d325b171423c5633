// expect: A 2:25 type 'any'
export interface A { v: any }
