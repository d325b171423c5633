// refused: typeof of a function has no JSON form
function make() { return { a: 1 }; }
export interface T { made: typeof make }
