import * as ns from './index';

ns.DEFAULTS.beta = true;
