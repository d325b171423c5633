// refused: both become the Python name 'Shape_from_json' in this mirror (a function of a union alias)
export type Shape = { k: 'a' } | { k: 'b' };
// Shape's decoder is Shape_from_json, beside it in the mirror.
export interface Shape_from_json { x: string }
export interface Holder { s: Shape; t: Shape_from_json }
