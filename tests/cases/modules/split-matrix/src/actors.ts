export enum Actor {
  Operator = 'operator',
  Kora = 'kora',
  Critic = 'critic',
}
