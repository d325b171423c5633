export const Y = [1, 2;
