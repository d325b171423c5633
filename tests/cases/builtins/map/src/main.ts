// refused: type 'Map' has no JSON form
export interface Holder { name: string; value: Map<string, number> }
