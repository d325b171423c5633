// refused: function type
export interface F { name: string; handler: (x: number) => void }
