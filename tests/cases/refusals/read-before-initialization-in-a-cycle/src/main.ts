// refused: reads BASE before main.ts has initialized it (b.ts runs first, in ES module order)
import { DERIVED } from './b';
export const BASE = 1;
export const TABLE = [DERIVED];
