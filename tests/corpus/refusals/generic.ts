// expect: Box 2:21 generic declaration
export interface Box<T> { value: T }
