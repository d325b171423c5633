interface Base {
  id: string;
  name?: string;
  count: number;
  tags: string[];
}
type Keys = 'a' | 'b';
enum Side {
  Left = 'left',
  Right = 'right',
}

export interface Mapped {
  plain: { [K in Keys]: number };
  optional: { [K in Keys]?: boolean };
  remapped: { [K in keyof Base as `get_${K}`]: Base[K] };
  required: { [K in keyof Base]-?: Base[K] };
  filtered: { [K in keyof Base as Exclude<K, 'tags'>]: Base[K] };
  bySide: { [S in Side]: number };
  partial: Partial<Base>;
  req: Required<Base>;
  ro: Readonly<Base>;
  picked: Pick<Base, 'id' | 'count'>;
  omitted: Omit<Base, 'tags' | 'name'>;
  record: Record<Keys, string>;
  strings: { [key: string]: boolean };
  byString: { [K in string]: number };
}
