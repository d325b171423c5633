import { BASE } from './main';

export const DERIVED = [BASE];
