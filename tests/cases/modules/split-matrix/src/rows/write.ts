import { Actor } from '../actors'
import { Cap } from '../caps'

export default Object.freeze({
  [Cap.WRITE]: { [Actor.Operator]: true, [Actor.Kora]: false, [Actor.Critic]: false },
  [Cap.ADMIN]: { [Actor.Operator]: true, [Actor.Kora]: false, [Actor.Critic]: false },
})
