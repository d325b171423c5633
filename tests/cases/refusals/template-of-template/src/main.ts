// refused: template literal type substitution ${Id} is not a finite union
type Id = `id-${number}`;
export type T = `a${Id}`;
