// refused: type 'Date' has no JSON form
export interface D { at: string; when: Date }
