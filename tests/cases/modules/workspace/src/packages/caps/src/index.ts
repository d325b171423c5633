export const CAPS = ['cap_read', 'cap_write'] as const;
