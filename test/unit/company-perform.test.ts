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
      const key = body.idProperty ? company.properties[body.idProperty] : company.id;
      return { status: 200, headers: {}, body: { results: ids.includes(key) ? [company] : [] } };
    }
    if (path === 'search') return { status: 200, headers: {}, body: { results: body.filterGroups[0].filters[0].values.includes(company.properties.domain) ? [company] : [] } };
    if (path === 'batch/update' || path === 'batch/upsert') {
      const isR = (i: any) => (i.idProperty ? company.properties[i.idProperty] : company.id) === i.id;
      for (const i of body.inputs) if (isR(i)) Object.assign(company.properties, i.properties);
      return { status: 200, headers: {}, body: { results: body.inputs.map((i: any) => ({ id: isR(i) ? 'R' : 'new', properties: i.properties, objectWriteTraceId: i.objectWriteTraceId })) } };
    }
    throw new Error(`unexpected request ${req.method} ${req.path}`);
  };
  return { company, sent, send };
}

const nothingElse: RunOrder = {
  watch: (): Watch => ({ properties: new Set(), mark: 0, oldest: Infinity }),
  release: () => {},
  blockers: () => [],
  changedSince: () => false,
  earlierTouching: () => [],
  returns: () => 0,
};

/**
 * An order where an earlier op (`earlier`, id 1) touching companies' domains is unsettled at the
 * lookup: `changedAfter` says which watches (numbered from 0 as taken) an op touching the company
 * settled after, `returns` how often the op went back already.
 */
function busy(o: { changedAfter: number[]; returns?: number; oldest?: number }): { order: RunOrder; earlier: OpHandle } {
  const earlier = op(1, 'z', 'elsewhere.example');
  let marks = 0;
  const order: RunOrder = {
    watch: (): Watch => ({ properties: new Set(['domain']), mark: marks++, oldest: o.oldest ?? 1 }),
    release: () => {},
    blockers: () => [],
    changedSince: (w) => o.changedAfter.includes(w.mark),
    earlierTouching: () => [earlier],
    returns: () => o.returns ?? 0,
  };
  return { order, earlier };
}

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

describe('upsertCompany: looking again while earlier ops touching companies are unsettled', () => {
  // R is read again before the write and still holds d.example, but an op touching it settled
  // while that read was under way: its write may have landed after the read saw R.
  it('a company found by search that may have changed while it was read again goes back', async () => {
    const p = portal();
    const { order } = busy({ changedAfter: [1] });
    const c = op(5, 'c', 'd.example');
    expect(await upsertCompany.perform([c], ctxOf(p, order))).toEqual([{ kind: 'again', after: [] }]);
    expect(p.sent).toEqual(['batch/read', 'search', 'batch/read']);
    expect(p.company.properties.segment_group_id).toBe('b');
  });

  it('past its returns, an op whose lookup is still stale waits for every earlier op touching companies', async () => {
    const p = portal();
    const { order, earlier } = busy({ changedAfter: [0], returns: 3 });
    expect(await upsertCompany.perform([op(5, 'b')], ctxOf(p, order))).toEqual([{ kind: 'again', after: [earlier] }]);
    expect(p.sent).toEqual(['batch/read']);
  });

  it('an op older than every other unsettled op touching companies writes what it found', async () => {
    const p = portal();
    const { order } = busy({ changedAfter: [0, 1], oldest: 9 });
    expect(await upsertCompany.perform([op(5, 'b', 'new.example')], ctxOf(p, order))).toEqual([{ kind: 'delivered' }]);
    expect(p.sent).toEqual(['batch/read', 'batch/upsert']);
    expect(p.company.properties.domain).toBe('new.example');
  });
});
