// refused: a template literal over string cannot be listed
type Id<T> = T extends string ? `id_${T}` : never;
export type T = Id<string>;
