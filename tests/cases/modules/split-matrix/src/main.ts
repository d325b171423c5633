import { readRows, writeRows } from './rows'
import { Actor } from './actors'
import { Cap } from './caps'

export const MATRIX = Object.freeze({ ...readRows, ...writeRows })

export const KORA_CAPS = [Cap.READ] as const

export const ACTORS = [Actor.Operator, Actor.Kora, Actor.Critic] as const

export const DEFAULT_ACTOR = Actor.Kora
