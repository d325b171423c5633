// refused: type 'URL' has no JSON form
export interface Holder { name: string; value: URL }
