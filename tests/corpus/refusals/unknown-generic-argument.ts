// expect: U 3:29 is any or unknown
interface Box<T> { value: T }
export interface U { b: Box<unknown> }
