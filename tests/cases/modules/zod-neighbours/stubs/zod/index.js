// A stand-in for zod (no network at test time): builders that keep their arguments,
// as zod's do, and schemas with the methods real code calls.
class Schema {
  constructor(kind, def) {
    this.kind = kind;
    this.def = def;
  }
  optional() { return new Schema('optional', this); }
  describe(text) { return new Schema(this.kind, { ...this.def, text }); }
  parse(input) { return input; }
  get options() { return this.def; }
  get shape() { return this.def; }
}
export const z = {
  string: () => new Schema('string', {}),
  number: () => new Schema('number', {}),
  boolean: () => new Schema('boolean', {}),
  enum: (values) => new Schema('enum', values),
  object: (shape) => new Schema('object', shape),
  array: (item) => new Schema('array', item),
  record: (key, value) => new Schema('record', { key, value }),
};
