// expect: F 2:45 function type
export interface F { name: string; handler: (x: number) => void }
