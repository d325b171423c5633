type Section = 'docs' | 'blog';

/** A route id: its section, then a number. */
export type RouteId = `${Section}-${number}`;

export interface Route {
  id: RouteId;
  /** Where it is served. */
  path: `/${string}`;
  version?: `v${number}` | 'latest';
}
