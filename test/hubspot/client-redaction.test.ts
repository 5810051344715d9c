import { afterEach, expect, it } from 'vitest';
import { createHubSpotClient } from '../../src/hubspot/client.js';
import { paths } from '../../src/hubspot/api.js';
import { startEmulator } from '../emulator/index.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

it('answers the run reads lose the token, and nothing else: a value that only looks like a secret stays data', async () => {
  const emulator = await startEmulator({ quiet: true });
  cleanup.push(() => emulator.stop());
  const token = emulator.issueToken({ kind: 'static' });
  const client = createHubSpotClient({ baseUrl: emulator.url, tokens: { getAccessToken: async () => token, renewAfterUnauthorized: async () => undefined } });
  cleanup.push(() => client.close());
  const looksSecret = 'promo code=SPRING26, header Bearer abcdefghijklmnop';
  const created = await client.send({
    method: 'POST',
    path: paths.objects('contacts'),
    body: { properties: { email: 'echo@x.io', firstname: looksSecret, lastname: `pasted ${token} by mistake` } },
  });
  expect(created.status).toBe(201);
  expect(created.body.properties.firstname).toBe(looksSecret);
  expect(created.body.properties.lastname).toBe('pasted [redacted] by mistake');
});
