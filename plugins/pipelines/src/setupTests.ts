import '@testing-library/jest-dom';

// jsdom has no ResizeObserver (recharts' ResponsiveContainer uses it); charts draw in the
// browser tests, here they only need to mount.
if (!('ResizeObserver' in globalThis)) {
  (globalThis as any).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
