import { Actor } from '../actors'
import { Cap } from '../caps'

export default {
  [Cap.READ]: Object.freeze({ [Actor.Operator]: true, [Actor.Kora]: true, [Actor.Critic]: true }),
} as const
