// refused: 'Level' is used before its declaration (TS2448)
export const X = { low: Level.Low };
export enum Level { Low, High }
