// The few browser globals the app's modules read when they load (state/network.ts), for the unit
// tests that import them under Node. Import it first.
const g = globalThis as Record<string, unknown>;
if (!('window' in g)) g.window = { addEventListener() {}, removeEventListener() {} };
if (!('navigator' in g) || (g.navigator as { onLine?: boolean }).onLine === undefined) {
  Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true, writable: true });
}
if (!('location' in g)) g.location = { href: 'http://127.0.0.1/' };
export {};
