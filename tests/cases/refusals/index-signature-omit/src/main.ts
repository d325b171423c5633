// refused: Omit<Bag, 'id'>: this operation on an object type with an index signature
interface Bag { id: string; [key: string]: string }
export type O = Omit<Bag, 'id'>;
