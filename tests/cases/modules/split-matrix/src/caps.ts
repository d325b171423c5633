// Capability names as a const object; keys built with template literals, no semicolons.
export const Cap = {
  READ: `cap_read`,
  WRITE: `cap_write`,
  ADMIN: `cap_admin`,
} as const

export type Cap = (typeof Cap)[keyof typeof Cap]
