/** Colours a badge can take, darkest first. */
export const BADGE_COLOURS = ['red', 'amber', 'green'] as const;

/** One of {@link BADGE_COLOURS}. */
export type BadgeColour = (typeof BADGE_COLOURS)[number];
