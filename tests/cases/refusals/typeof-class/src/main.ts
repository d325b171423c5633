// refused: typeof of a class is its constructor, which has no JSON form
class Point { x = 1; }
export interface T { ctor: typeof Point }
