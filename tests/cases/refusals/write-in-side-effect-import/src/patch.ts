import { FLAGS } from './flags';

FLAGS.beta = true;
