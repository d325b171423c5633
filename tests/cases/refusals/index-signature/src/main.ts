// refused: index signature (use Record<K, V>)
export interface I { a: string; [key: string]: string }
