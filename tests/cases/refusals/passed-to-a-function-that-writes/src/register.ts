export function register(target: Record<string, unknown>): void {
  target.registered = true;
}
