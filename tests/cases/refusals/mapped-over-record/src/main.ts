// refused: Partial<Record<Role, boolean>>: a Record is mirrored as a mapping, so a mapped
// type over it has no properties to make optional
type Role = 'admin' | 'viewer';
export type O = Partial<Record<Role, boolean>>;
