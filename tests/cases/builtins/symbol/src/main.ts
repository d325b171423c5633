// refused: type 'symbol' has no JSON form
export interface Holder { name: string; value: symbol }
