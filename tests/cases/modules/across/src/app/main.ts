import type { Audited, MaybeStatus } from '@across/shapes';
import { Channel } from '@across/shapes';

interface Email {
  kind: 'email';
  address: string;
}

interface Sms {
  kind: 'sms';
  number: string;
  country?: number;
}

/** A notification rule, as the substrate stores it. */
export interface Rule extends Audited {
  /** Python keywords and non-identifier keys are renamed in Python, not in JSON. */
  class: string;
  'content-type': string;
  from?: string;
  status: MaybeStatus;
  enabled: Record<Channel, boolean>;
  targets: (Email | Sms)[];
  primary: Email | Sms | null;
  weights: Record<string, readonly number[]>;
}
