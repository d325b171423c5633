// Consts whose declared types are mirrored as classes (an interface, an enum): their
// values are mirrored as data, typed as if they had no annotation, so the module still
// passes mypy --strict.
export interface Point {
  x: number;
  y: number;
}

export enum Role {
  Admin = "admin",
  User = "user",
}

export type Points = Point[];

export const ORIGIN: Point = { x: 0, y: 0 };
export const CORNERS: Points = [
  { x: 0, y: 0 },
  { x: 1, y: 1 },
];
export const BY_ROLE: Record<Role, Point> = {
  [Role.Admin]: { x: 1, y: 2 },
  [Role.User]: { x: 3, y: 4 },
};
export const DEFAULT_ROLE: Role = Role.Admin;
// An alias of data types only keeps its annotation.
export type Scale = 1 | 2 | 3;
export const SCALE: Scale = 2;
