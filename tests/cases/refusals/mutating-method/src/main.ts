// expect: ROLES 5:3 calls ROLES.push, so ROLES
export const ROLES = ['owner', 'member'];

export function addRole(role: string): void {
  ROLES.push(role);
}
