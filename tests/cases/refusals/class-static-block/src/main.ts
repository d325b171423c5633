// refused: calls DEFAULTS.unshift, so DEFAULTS
export const DEFAULTS = ['a', 'b'];

class Boot {
  static {
    DEFAULTS.unshift('z');
  }
}
export { Boot };
