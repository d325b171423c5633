/**
 * Badges, as the API returns them. Exercises what issue 2 needs: a cross-file
 * import, spreads of local and imported consts, `as const`, unions, interfaces.
 */
import { BADGE_COLOURS, type BadgeColour } from './tokens';

export const RETIRED_COLOURS = ['grey'] as const;

// Retired colours still parse, so old badges keep rendering.
export const ALL_COLOURS = [...BADGE_COLOURS, ...RETIRED_COLOURS] as const;

export type Size = 'small' | 'large';

/** Pixel height per size. */
export const SIZE_PIXELS: Readonly<Record<Size, number>> = {
  small: 12,
  large: 24,
};

/** Who may edit a badge. */
interface Owner {
  name: string;
}

/** A badge as the API returns it. */
export interface Badge {
  /** Shown to the user, at most 40 characters. */
  label: string;
  colour: BadgeColour;
  tags: readonly string[];
  /** Bumped when the shape changes. */
  schema_version: 1;
  owner: Owner;
}

export function badgeLabel(badge: Badge): string {
  return badge.label;
}
