// refused: changes ROLES in place
// sort() would reorder ROLES itself, which other values read
const ROLES = ['viewer', 'admin'];
export const X = ROLES.sort();
