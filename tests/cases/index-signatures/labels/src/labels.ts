/** Named labels: a version, then any label name mapped to its text or weight. */
export interface Labels {
  version: 1 | 2;
  /** Shown first. */
  title: string;
  [label: string]: string | number;
}

/** A Record with one property that must also hold the Record's value type. */
export type Tagged = { tag: 'a' | 'b' } & Record<string, string | boolean>;
