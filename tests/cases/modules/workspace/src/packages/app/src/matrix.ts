import { CAPS } from '@ws/caps'
import { DEFAULT_ACTORS } from '@config/defaults'

export const MATRIX = {
  [CAPS[0]]: { [DEFAULT_ACTORS[0]]: true, [DEFAULT_ACTORS[1]]: true },
  [CAPS[1]]: { [DEFAULT_ACTORS[0]]: true, [DEFAULT_ACTORS[1]]: false },
}
