// expect: Box 2:21 generic declaration interface Box<T> { value: T } needs type arguments
export interface Box<T> { value: T }
