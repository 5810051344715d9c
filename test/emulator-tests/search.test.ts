import { beforeEach, describe, expect, it } from 'vitest';
import { boot, useEmulator } from './helpers.js';

const { api } = useEmulator({ searchPerSecond: 1000 });
beforeEach(async () => {
  const companies = [
    { name: 'Acme', domain: 'acme.com', city: 'Paris', numberofemployees: '50' },
    { name: 'Beta', domain: 'beta.io', city: 'Rome', numberofemployees: '5' },
    { name: 'Gamma', domain: 'gamma.com', numberofemployees: '500' },
  ];
  await api.post('/__emulator/seed', { records: { companies: companies.map((properties) => ({ properties })) } });
});

const search = (body: unknown) => api.post('/crm/v3/objects/companies/search', body);
const names = (r: any) => r.body.results.map((x: any) => x.properties.name);

describe('CRM search', () => {
  it('ANDs filters in a group and ORs groups (Segment sends one group per field)', async () => {
    const and = await search({ filterGroups: [{ filters: [{ propertyName: 'city', operator: 'EQ', value: 'Paris' }, { propertyName: 'domain', operator: 'EQ', value: 'beta.io' }] }] });
    expect(and.body.total).toBe(0);
    const or = await search({
      filterGroups: [{ filters: [{ propertyName: 'city', operator: 'EQ', value: 'Paris' }] }, { filters: [{ propertyName: 'domain', operator: 'EQ', value: 'beta.io' }] }],
      properties: ['name', 'domain', 'lifecyclestage', 'segment_group_id'],
      sorts: ['name'],
    });
    expect(or.status).toBe(200);
    expect(or.body.total).toBe(2);
    expect(names(or)).toEqual(['Acme', 'Beta']);
  });

  it('supports NEQ, IN, HAS_PROPERTY, NOT_HAS_PROPERTY, GT and CONTAINS_TOKEN', async () => {
    const q = (filters: unknown[]) => search({ filterGroups: [{ filters }], sorts: [{ propertyName: 'name', direction: 'ASCENDING' }] });
    expect(names(await q([{ propertyName: 'city', operator: 'NEQ', value: 'Paris' }]))).toEqual(['Beta', 'Gamma']);
    expect(names(await q([{ propertyName: 'domain', operator: 'IN', values: ['acme.com', 'gamma.com'] }]))).toEqual(['Acme', 'Gamma']);
    expect(names(await q([{ propertyName: 'city', operator: 'HAS_PROPERTY' }]))).toEqual(['Acme', 'Beta']);
    expect(names(await q([{ propertyName: 'city', operator: 'NOT_HAS_PROPERTY' }]))).toEqual(['Gamma']);
    expect(names(await q([{ propertyName: 'numberofemployees', operator: 'GT', value: '10' }]))).toEqual(['Acme', 'Gamma']);
    expect(names(await q([{ propertyName: 'domain', operator: 'CONTAINS_TOKEN', value: '*.com' }]))).toEqual(['Acme', 'Gamma']);
  });

  it('sorts descending with the "-prop" string form', async () => {
    expect(names(await search({ sorts: ['-numberofemployees'] }))).toEqual(['Gamma', 'Acme', 'Beta']);
  });

  it('pages with limit/after, returns total, and omits paging on the last page', async () => {
    const first = await search({ limit: 2, sorts: ['name'] });
    expect(first.body.total).toBe(3);
    expect(names(first)).toEqual(['Acme', 'Beta']);
    expect(first.body.paging.next.after).toBe('2');
    const second = await search({ limit: 2, after: first.body.paging.next.after, sorts: ['name'] });
    expect(names(second)).toEqual(['Gamma']);
    expect(second.body.paging).toBeUndefined();
  });

  it('returns the requested properties plus ids and timestamps', async () => {
    const r = await search({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'EQ', value: 'acme' }] }], properties: ['city'] });
    expect(r.body.results[0].properties).toEqual({
      city: 'Paris', createdate: expect.any(String), hs_object_id: r.body.results[0].id, hs_lastmodifieddate: expect.any(String),
    });
  });

  it('answers 400 for an unknown filter property (Segment turns this into CompanySearchThrowableError)', async () => {
    const r = await search({ filterGroups: [{ filters: [{ propertyName: 'undefined_field', operator: 'EQ', value: 'x' }] }] });
    expect(r.status).toBe(400);
    expect(r.body.category).toBe('VALIDATION_ERROR');
  });

  it('enforces filter and limit caps', async () => {
    const six = Array.from({ length: 6 }, () => ({ filters: [{ propertyName: 'name', operator: 'EQ', value: 'x' }] }));
    expect((await search({ filterGroups: six })).status).toBe(400);
    expect((await search({ limit: 201 })).status).toBe(400);
    expect((await search({ limit: 100, after: '9950' })).status).toBe(400);
  });

  it('searches free text with `query`', async () => {
    expect(names(await search({ query: 'gam' }))).toEqual(['Gamma']);
  });
});

describe('search rate limit and index lag', () => {
  it('answers the SECONDLY 429 past 5 requests a second, without rate-limit headers', async () => {
    const limited = await boot();
    try {
      const answers = await Promise.all(Array.from({ length: 7 }, () => limited.api.post('/crm/v3/objects/contacts/search', {})));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const tooMany = answers.find((a) => a.status === 429)!;
      expect(tooMany.body).toMatchObject({ status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
      for (const a of answers) expect(a.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    } finally {
      await limited.emu.stop();
    }
  });

  it('hides writes from search until searchIndexLagMs has passed', async () => {
    const lagged = await boot({ searchIndexLagMs: 300 });
    try {
      await lagged.api.post('/crm/v3/objects/contacts', { properties: { email: 'late@x.co' } });
      const body = { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'late@x.co' }] }] };
      expect((await lagged.api.post('/crm/v3/objects/contacts/search', body)).body.total).toBe(0);
      await new Promise((r) => setTimeout(r, 350));
      expect((await lagged.api.post('/crm/v3/objects/contacts/search', body)).body.total).toBe(1);
    } finally {
      await lagged.emu.stop();
    }
  });
});
