// #private fields are left out too, but neither ajv (which requires them) nor tsc (for
// which they make the class nominal) can judge a document of such a class.
abstract class Base<T> {
  value!: T;
  protected note = '';
}

class Derived extends Base<number> {
  kind = 'derived' as const;
  static created = 0;
  optional?: string;

  constructor(public readonly label: string) {
    super();
  }

  describe(): string {
    return `${this.label}${Derived.created}`;
  }
}

export interface Holder {
  derived: Derived;
}
