// expect: B 2:27 type 'bigint' has no JSON form
export interface B { big: bigint }
