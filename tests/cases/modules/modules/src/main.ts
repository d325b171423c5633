import type { Id } from './types-only';
import { ID_PREFIX } from './types-only.js';
import defaults, { LIB, Access, Level, KEYS } from './lib';
import * as nested from './nested';
import { HIDDEN, RENAMED_LIB, NESTED_INDEX } from './nested/index';

const prefix: Id = ID_PREFIX;

export const IMPORTED = {
  ...LIB,
  ...defaults,
  hidden: HIDDEN,
  renamed: RENAMED_LIB.fromLib,
  nestedIndex: NESTED_INDEX,
  viaNamespace: nested.LIB.fromLib,
  viaNamespaceIndex: nested.KEYS['PULL_READ'],
  element: defaults.defaultExport[2],
  prefix,
};

export const ENUM_KEYS = {
  [Access.PullRead]: true,
  [Access.PushWrite]: false,
  [KEYS.PULL_READ]: Level.Mid,
  [KEYS.PUSH_WRITE]: Level.Higher,
  negative: Level.AfterNegative,
};

export const ACCESS_ENUM = Access;
export const LEVEL_ENUM = Level;
export { LIB as REEXPORTED_LIB };
