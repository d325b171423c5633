// refused: index signature key type number is not supported
export interface N { a: string; [k: number]: string }
