/** Who did it. */
export interface Audited {
  /** ISO-8601 timestamp. */
  created_at: string;
  created_by: string | null;
}

export enum Channel {
  Email = 'email',
  Sms = 'sms',
}
