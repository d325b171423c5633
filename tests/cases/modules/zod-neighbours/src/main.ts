import { z } from 'zod';

/** Roles a user may hold. */
export const ROLES = ['owner', 'admin', 'member'] as const;

export const PLAN_LIMITS = {
  free: { seats: 1, projects: 3 },
  team: { seats: 10, projects: 50 },
} as const;

export const APP_NAME = 'acme';

// Schemas next to the tables, some built from them; zod keeps its arguments as they are.
export const RoleSchema = z.enum(ROLES);
export const PlanSchema = z.enum(['free', 'team']);
export const UserSchema = z.object({
  name: z.string().describe(`${APP_NAME} user`),
  role: RoleSchema,
  seats: z.number().optional(),
});
export const LimitsSchema = z.record(z.string(), z.object({ seats: z.number() }));
export type Role = (typeof ROLES)[number];

export function parseUser(input: unknown) {
  return UserSchema.parse(input);
}
