// refused: type 'Set' has no JSON form
export interface Holder { name: string; value: Set<string> }
