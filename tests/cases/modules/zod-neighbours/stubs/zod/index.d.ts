// The types of the stand-in: enough for tsc --strict to read main.ts.
export interface Schema {
  optional(): Schema;
  describe(text: string): Schema;
  parse(input: unknown): unknown;
  readonly options: unknown;
  readonly shape: unknown;
}
export declare const z: {
  string(): Schema;
  number(): Schema;
  boolean(): Schema;
  enum(values: readonly string[]): Schema;
  object(shape: Record<string, Schema>): Schema;
  array(item: Schema): Schema;
  record(key: Schema, value: Schema): Schema;
};
