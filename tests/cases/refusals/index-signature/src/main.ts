// refused: property 'a' is not assignable to the string index signature's type
export interface I { a: boolean; [key: string]: string }
