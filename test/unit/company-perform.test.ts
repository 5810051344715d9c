import { describe, expect, it } from 'vitest';
import { upsertCompany } from '../../src/actions/upsertCompany/index.js';
import type { PerformContext, RunOrder, Watch } from '../../src/actions/types.js';
import { apiPaths } from '../../src/hubspot/api.js';
import type { HubSpotRequest } from '../../src/hubspot/transport.js';
import type { OpHandle } from '../../src/model.js';
import { RecentRecords } from '../../src/pipeline/run-memory.js';

/**
 * A portal holding one company, R (segment_group_id "b", domain d.example), answering the requests
 * of a company batch: reads by segment_group_id, searches by domain, updates, upserts.
 */
function portal() {
  const company = { id: 'R', properties: { segment_group_id: 'b', domain: 'd.example' } as Record<string, string> };
  const sent: string[] = [];
  const send = async (req: HubSpotRequest) => {
    const body = req.body as any;
    const path = req.path.replace('/crm/v3/objects/companies/', '');
    sent.push(path);
    if (path === 'batch/read') {
      const ids = body.inputs.map((i: any) => i.id);
      return { status: 200, headers: {}, body: { results: ids.includes(company.properties.segment_group_id) ? [company] : [] } };
    }
    if (path === 'search') return { status: 200, headers: {}, body: { results: body.filterGroups[0].filters[0].values.includes(company.properties.domain) ? [company] : [] } };
    if (path === 'batch/update' || path === 'batch/upsert') {
      for (const i of body.inputs) if (i.id === 'R') Object.assign(company.properties, i.properties);
      return { status: 200, headers: {}, body: { results: body.inputs.map((i: any) => ({ id: i.id === 'R' ? 'R' : 'new', properties: i.properties, objectWriteTraceId: i.objectWriteTraceId })) } };
    }
    throw new Error(`unexpected request ${req.method} ${req.path}`);
  };
  return { company, sent, send };
}

const nothingElse: RunOrder = {
  watch: (): Watch => ({ properties: new Set(), mark: 0 }),
  release: () => {},
  blockers: () => [],
  changedSince: () => false,
  returns: () => 0,
};

function ctxOf(p: ReturnType<typeof portal>, order?: RunOrder): PerformContext {
  return {
    send: p.send as PerformContext['send'],
    run: { ids: new Map(), records: new RecentRecords(), flags: new Set(['companies.segment_group_id.exists']) },
    paths: apiPaths(),
    searchSettleMs: 0,
    order,
  };
}

const op = (id: number, groupid: string, domain?: string): OpHandle => ({
  id,
  action: 'upsertCompany',
  mappingName: 'companies',
  data: { groupid, properties: { segment_group_id: groupid, ...(domain ? { domain } : {}) }, createNew: true, searchFields: domain ? { domain } : undefined, contacts: [] },
});

describe('upsertCompany: ops whose lookup an earlier op of the batch changes', () => {
  // "a" finds R by its domain and takes segment_group_id a, so "b", which found R by b, must look again.
  it('go back to wait for the ops written before them, so those are settled (and journaled) first', async () => {
    const p = portal();
    const a = op(1, 'a', 'd.example');
    const b = op(2, 'b');
    const outcomes = await upsertCompany.perform([a, b], ctxOf(p, nothingElse));
    expect(outcomes).toEqual([{ kind: 'delivered' }, { kind: 'again', after: [a] }]);
    expect(p.company.properties.segment_group_id).toBe('a');
    expect(p.sent).toEqual(['batch/read', 'search', 'batch/update']);
  });

  it('one at a time (no run order), look again in the same batch', async () => {
    const p = portal();
    const outcomes = await upsertCompany.perform([op(1, 'a', 'd.example'), op(2, 'b')], ctxOf(p));
    expect(outcomes).toEqual([{ kind: 'delivered' }, { kind: 'delivered' }]);
    expect(p.sent).toEqual(['batch/read', 'search', 'batch/update', 'batch/upsert']);
  });
});
