export const FLAGS = { beta: false, gamma: true };
