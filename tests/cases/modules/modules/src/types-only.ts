export type Id = string;
export const ID_PREFIX = 'id_';
