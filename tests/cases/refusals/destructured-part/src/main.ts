// refused: assigns nested.enabled, so CONFIG
export const CONFIG = { name: 'app', nested: { enabled: true } };

const { nested } = CONFIG;
  nested.enabled = false;
