import { FLAGS } from './flags';

export function describeFlags(): string[] {
  return Object.entries(FLAGS).map(([key, value]) => `${key}=${String(value)}`);
}
