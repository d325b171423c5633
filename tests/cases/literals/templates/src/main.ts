const PREFIX = 'cap';
const VERSION = 2;
const Actor = { Kora: 'kora', Critic: 'critic' } as const;

// Template literals with substitutions of constant primitives, also as computed keys.
export const KEYS = {
  [`${PREFIX}_read`]: `v${VERSION}`,
  [`${PREFIX}_${Actor.Kora}_write`]: `${true}/${null}/${undefined}/${1e21}/${-0.5}`,
  nested: `outer ${`inner ${PREFIX}`} done`,
  escaped: `tab\t${'quote"'}\u0041${''}`,
}

export const LABELS = [`${Actor.Kora}`, `${Actor.Critic}:${VERSION}`]
