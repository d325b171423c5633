// Side effects on its own state only.
export const counters: Record<string, number> = {};
export function bump(name: string): void {
  counters[name] = (counters[name] ?? 0) + 1;
}
bump('loaded');
class Registry {
  static items: string[] = [];
  static {
    Registry.items.push('metrics');
  }
}
new Registry();
