// refused: type 'Promise' has no JSON form
export interface Holder { name: string; value: Promise<string> }
