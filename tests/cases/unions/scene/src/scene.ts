import type { Contact, Shape } from './shapes';

/** A shape, a placeholder or nothing. */
export type Slot = Shape | 'empty' | null;

/** A scene: its fields decode through the unions' own decoders. */
export interface Scene {
  main: Shape;
  shapes: Shape[];
  slot?: Slot;
  owner: Contact;
}
