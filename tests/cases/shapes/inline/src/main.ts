interface Owner {
  name: string;
  contact?: string | null;
}

/** An alias that extends an interface by intersection, with inline object types. */
export type Policy = Owner & {
  level: 1 | 2 | 3;
  flags: Array<Record<string, boolean>>;
  steps: { name: string; optional?: boolean; weight: -1 | 0 | 1 }[];
  frozen: Readonly<Owner>;
  tags: readonly ('a' | 'b')[];
  note: string | undefined;
};
