// A conditional type that distributes string into a template literal type: `id_${string}`.
type Id<T> = T extends string ? `id_${T}` : never;
export type T = Id<string>;
