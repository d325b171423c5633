export const ROLES = ['viewer', 'admin', '', 'editor'] as const;
export const OBJS = [{ n: 2, name: 'b' }, { n: 1, name: 'a' }, { n: 3, name: 'c' }];
// Another module of the graph filters the table with a built-in reader.
export const PRESENT = ROLES.filter(Boolean).length;
