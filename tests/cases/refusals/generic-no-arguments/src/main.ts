// refused: generic declaration interface Box<T> { value: T } needs type arguments
export interface Box<T> { value: T }
