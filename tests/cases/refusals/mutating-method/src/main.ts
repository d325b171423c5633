// refused: calls ROLES.push, so ROLES
export const ROLES = ['owner', 'member'];

export function addRole(role: string): void {
  ROLES.push(role);
}
