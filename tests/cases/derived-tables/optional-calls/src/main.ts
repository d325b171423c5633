// Methods called through ?. on what find() and at() return: the call runs on a value and
// is skipped, arguments and all, on undefined.
const READ = ['doc:read', 'user:read'];

export const SCOPES = READ.map((scope) => scope.split(':').at(0)?.toUpperCase());

export const FOUND = READ.find((r) => r.startsWith('user'))?.replaceAll(':', '/');

export const MISSING = [READ.find((r) => r === 'admin')?.replace('a', 'b')];

export const LAST_UPPER = READ.at(-1)?.toUpperCase().padStart(12, '.');

export const DEFAULTED = READ.find((r) => r.length > 99)?.trim() ?? 'none';
