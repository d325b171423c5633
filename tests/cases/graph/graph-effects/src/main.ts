import './metrics';
import * as all from './index';
import { bump, counters } from './metrics';
import { flagCount } from './flags';

export { FLAGS, DEFAULT_FLAGS } from './index';
export const REGIONS = all.FLAGS.regions;
export const SUMMARY = { count: 2, first: all.DEFAULT_FLAGS.regions[0] };

bump('main');
counters.main = flagCount();
