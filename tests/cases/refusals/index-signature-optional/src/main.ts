// refused: property 'a' is not assignable to the string index signature's type
export interface O { a?: string; [key: string]: string }
