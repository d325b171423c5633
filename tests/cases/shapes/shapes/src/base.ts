export interface Base {
  /** Stable identifier. */
  id: string;
}

export interface Tagged extends Base {
  label: 'a' | 'b';
}
