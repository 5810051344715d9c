import { SERVER_MAX_SHARE } from '../../src/hubspot/rate-limiter.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotClient, type RetryInfo } from '../../src/hubspot/client.js';
import { paths } from '../../src/hubspot/api.js';
import { HubSpotRunError } from '../../src/errors.js';
import type { AccessTokenProvider } from '../../src/auth/types.js';
import { startEmulator } from '../emulator/index.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const staticToken = (token: string): AccessTokenProvider => ({
  kind: 'static',
  source: 'flag',
  getAccessToken: async () => token,
  renewAfterUnauthorized: async () => undefined,
});

describe('against the HubSpot emulator', () => {
  it('upserts and searches through faults and limits, then stops on the daily limit', async () => {
    const emulator = await startEmulator({ quiet: true, tenSecondlyLimit: 40, dailyLimit: 20, seed: 7 });
    cleanup.push(() => emulator.stop());
    const token = emulator.issueToken({ kind: 'static' });
    const retries: RetryInfo[] = [];
    const client = createHubSpotClient({ baseUrl: emulator.url, tokens: staticToken(token), random: () => 0, onRetry: (i) => retries.push(i) });
    cleanup.push(() => client.close());

    emulator.setFaults({ errorRate: 0.2, dropRate: 0.1 });
    const emails = Array.from({ length: 10 }, (_, i) => `person${i}@example.com`);
    const upserts = await Promise.all(
      emails.map((email) =>
        client.send({
          method: 'POST',
          path: paths.batch('contacts', 'upsert'),
          body: { inputs: [{ idProperty: 'email', id: email, properties: { email, firstname: 'P' } }] },
        }),
      ),
    );
    expect(upserts.map((r) => r.status).every((s) => s === 200 || s === 201)).toBe(true);
    emulator.setFaults({});

    const found = await client.send({
      method: 'POST',
      path: paths.search('contacts'),
      budget: 'search',
      body: { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'person3@example.com' }] }] },
    });
    expect(found.status).toBe(200);
    expect(found.body.total).toBe(1);
    expect(found.body.results[0].properties.email).toBe('person3@example.com');

    const stats = client.stats();
    expect(stats.limits.standard).toMatchObject({ serverMax: 40, limit: Math.floor(40 * SERVER_MAX_SHARE), intervalMs: 10_000 });
    expect(stats.dailyRemaining).toBeLessThan(20);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((r) => r.cause === 'server-busy' || r.cause === 'network')).toBe(true);
    expect((stats.retries['server-busy'] ?? 0) + (stats.retries.network ?? 0)).toBe(retries.length);

    // Spend the rest of the daily budget: the call that finds it empty stops the run.
    const err = await (async () => {
      for (let i = 0; i < 40; i++) await client.send({ method: 'GET', path: paths.properties('contacts') });
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HubSpotRunError);
    expect((err as HubSpotRunError).reason).toBe('daily-limit');
    expect(JSON.stringify(retries)).not.toContain(token);
  });
});
