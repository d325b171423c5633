export const FLAGS = { beta: false };
