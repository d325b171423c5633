// refused: type 'RegExp' has no JSON form
export interface Holder { name: string; value: RegExp }
