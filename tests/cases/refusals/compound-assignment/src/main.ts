// refused: updates LIMITS.seats, so LIMITS
export const LIMITS = { seats: 5, projects: 3 };

LIMITS.seats += 1;
