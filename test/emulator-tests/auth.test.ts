import { describe, expect, it } from 'vitest';
import { boot, useEmulator, client, CORRELATION } from './helpers.js';

const { emu, api } = useEmulator();

describe('bearer authentication', () => {
  it('gives a ready private-app style token with every scope', async () => {
    expect(emu.accessToken).toMatch(/^pat-na1-/);
    expect((await api.get('/crm/v3/objects/contacts?limit=1')).status).toBe(200);
  });

  it('answers 401 INVALID_AUTHENTICATION with x-hubspot-auth-failure for a missing or unknown token', async () => {
    for (const c of [client(emu.url), client(emu.url, 'pat-na1-nope')]) {
      const r = await c.get('/crm/v3/objects/contacts?limit=1');
      expect(r.status).toBe(401);
      expect(r.body).toEqual({
        status: 'error',
        message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        correlationId: expect.stringMatching(CORRELATION),
        category: 'INVALID_AUTHENTICATION',
      });
      expect(r.headers.get('x-hubspot-auth-failure')).toBe('401 Unauthorized');
      expect(r.headers.get('x-hubspot-correlation-id')).toBe(r.body.correlationId);
    }
  });

  it('answers 401 EXPIRED_AUTHENTICATION once an OAuth token has expired', async () => {
    const token = emu.issueToken({ kind: 'oauth', lifetimeSeconds: 1 });
    const c = client(emu.url, token);
    expect((await c.get('/crm/v3/objects/contacts?limit=1')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const r = await c.get('/crm/v3/objects/contacts?limit=1');
    expect(r.status).toBe(401);
    expect(r.body.category).toBe('EXPIRED_AUTHENTICATION');
    expect(r.body.message).toMatch(/^The OAuth token used to make this call expired \d+ second\(s\) ago\.$/);
    expect(Date.parse(r.body.context['expire time'][0])).toBeLessThan(Date.now());
  });

  it('answers 403 MISSING_SCOPES with the required scopes', async () => {
    const c = client(emu.url, emu.issueToken({ scopes: ['crm.objects.contacts.read'] }));
    expect((await c.get('/crm/v3/objects/contacts?limit=1')).status).toBe(200);
    const r = await c.post('/crm/v3/objects/contacts', { properties: { email: 'a@b.co' } });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({
      status: 'error',
      message: "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredScopes: ['crm.objects.contacts.write'] } }],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
      category: 'MISSING_SCOPES',
    });
  });

  it('checks per-area scopes: tickets, custom objects, schemas, company properties and event sends', async () => {
    const c = client(emu.url, emu.issueToken({ scopes: ['crm.objects.companies.write', 'crm.objects.contacts.write'] }));
    const required = async (p: Promise<any>) => (await p).body.errors?.[0]?.context?.requiredScopes;
    expect(await required(c.post('/crm/v3/objects/tickets', { properties: { subject: 'x' } }))).toEqual(['tickets']);
    expect(await required(c.get('/crm/v3/schemas'))).toEqual(['crm.schemas.custom.read', 'crm.objects.custom.read']);
    expect(await required(c.post('/crm/v3/properties/companies', {}))).toEqual(['crm.schemas.companies.write']);
    expect(await required(c.post('/events/v3/send', {}))).toEqual(['analytics.behavioral_events.send']);
    // An association needs the scopes of both sides.
    expect(await required(c.put('/crm/v4/objects/contacts/1/associations/default/deals/2'))).toEqual(['crm.objects.deals.write']);
  });
});

describe('ten-secondly rate limit', () => {
  it('sends the rate-limit headers and answers TEN_SECONDLY_ROLLING past the budget', async () => {
    const small = await boot({ tenSecondlyLimit: 3 });
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await small.api.get('/crm/v3/objects/contacts?limit=1'));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      expect(answers.map((a) => a.headers.get('x-hubspot-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
      expect(answers[0]!.headers.get('x-hubspot-ratelimit-max')).toBe('3');
      expect(answers[0]!.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      expect(answers[0]!.headers.get('x-hubspot-ratelimit-daily')).toBeNull();
      expect(answers[3]!.body).toEqual({
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        correlationId: expect.stringMatching(CORRELATION),
        policyName: 'TEN_SECONDLY_ROLLING',
        groupName: expect.stringMatching(/^publicapi:private_app-api-calls-ten-secondly:\d+:1234567$/),
      });
      // Static and OAuth tokens have separate budgets.
      const oauth = client(small.emu.url, small.emu.issueToken({ kind: 'oauth' }));
      expect((await oauth.get('/crm/v3/objects/contacts?limit=1')).status).toBe(200);
      // Event sends are exempt.
      await small.controls.post('/__emulator/seed', { eventDefinitions: [{ name: 'x', label: 'X' }] });
      expect((await small.api.post('/events/v3/send', { eventName: 'pe1234567_x', email: 'a@b.co' })).status).toBe(204);
    } finally {
      await small.emu.stop();
    }
  });

  it('counts a daily budget for static tokens only, with Daily headers and the DAILY 429', async () => {
    const daily = await boot({ dailyLimit: 2 });
    try {
      const a = await daily.api.get('/crm/v3/objects/contacts?limit=1');
      expect(a.headers.get('x-hubspot-ratelimit-daily')).toBe('2');
      expect(a.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('1');
      await daily.api.get('/crm/v3/objects/contacts?limit=1');
      const c = await daily.api.get('/crm/v3/objects/contacts?limit=1');
      expect(c.status).toBe(429);
      expect(c.body).toMatchObject({ status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' });
      expect(c.body.requestId).toBeDefined();
      const oauth = client(daily.emu.url, daily.emu.issueToken({ kind: 'oauth' }));
      const o = await oauth.get('/crm/v3/objects/contacts?limit=1');
      expect(o.status).toBe(200);
      expect(o.headers.get('x-hubspot-ratelimit-daily')).toBeNull();
    } finally {
      await daily.emu.stop();
    }
  });

  it('changes the budget at run time through /__emulator/config', async () => {
    const small = await boot({ tenSecondlyLimit: 1 });
    try {
      expect((await small.api.get('/crm/v3/objects/contacts')).status).toBe(200);
      expect((await small.api.get('/crm/v3/objects/contacts')).status).toBe(429);
      await small.controls.post('/__emulator/config', { tenSecondlyLimit: 2 });
      const r = await small.api.get('/crm/v3/objects/contacts');
      expect(r.status).toBe(200);
      expect(r.headers.get('x-hubspot-ratelimit-max')).toBe('2');
    } finally {
      await small.emu.stop();
    }
  });
});
