// refused: reads LATE before its declaration has run
export const LIMITS = { max: 10 };

console.log(LATE);
const LATE = 1;
