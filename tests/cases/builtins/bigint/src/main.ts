// refused: type 'bigint' has no JSON form
export interface B { big: bigint }
