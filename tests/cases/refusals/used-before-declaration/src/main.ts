// refused: 'Q' is used before its declaration (TS2448)
export const P = [Q];
export const Q = 1;
