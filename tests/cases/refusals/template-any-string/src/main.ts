// refused: template literal type substitution ${string} is not a finite union
export type T = `a${string}`;
