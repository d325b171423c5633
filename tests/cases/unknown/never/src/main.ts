type Gone = Exclude<'a', 'a'>;

export interface Nevers {
  gone?: never;
  excluded?: Gone;
  empty: never[];
  either: string | never;
  anything: any[];
}
