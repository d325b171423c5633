// refused: deletes PERMISSIONS.admin
export const PERMISSIONS = { admin: ['all'], member: ['read'] };

const ADMIN_ONLY = false;
delete PERMISSIONS.admin;
export { ADMIN_ONLY };
