import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the in-order harness at full size (issue 9). Minutes, not seconds.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/harness/**/*.faults-test.ts'],
    testTimeout: 3 * 60 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
