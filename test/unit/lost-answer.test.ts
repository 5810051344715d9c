import { describe, expect, it } from 'vitest';
import { createOnce, MAX_CREATE_ATTEMPTS, type Created, type Found } from '../../src/actions/shared/lost-answer.js';
import { ANSWER_LOST } from '../../src/hubspot/transport.js';

const lost: Created = { failure: { kind: 'hubspot', status: ANSWER_LOST, message: 'the answer was lost' } };

/** Creates whose every answer is lost; a look-up that finds the record only from the `foundFrom`-th look-up on. */
function flaky(foundFrom: number) {
  const calls = { create: 0, lookUp: 0 };
  const create = async (some: string[]) => {
    calls.create++;
    return new Map(some.map((i) => [i, lost] as const));
  };
  const lookUp = async (some: string[]) => {
    calls.lookUp++;
    return new Map<string, Found>(some.map((i) => [i, calls.lookUp >= foundFrom ? { id: `id-${i}` } : { missing: true }]));
  };
  return { calls, create, lookUp };
}

describe('createOnce: a create whose answer is lost', () => {
  it('is looked up, and created again only while missing', async () => {
    const f = flaky(2);
    const got = await createOnce(['a'], f.create, f.lookUp, 0);
    expect(got.get('a')).toEqual({ id: 'id-a' });
    expect(f.calls).toEqual({ create: 2, lookUp: 2 });
  });

  it('is looked up after the last attempt too: a record the last create made is the record, not a failure', async () => {
    const f = flaky(MAX_CREATE_ATTEMPTS);
    const got = await createOnce(['a'], f.create, f.lookUp, 0);
    expect(got.get('a')).toEqual({ id: 'id-a' });
    expect(f.calls).toEqual({ create: MAX_CREATE_ATTEMPTS, lookUp: MAX_CREATE_ATTEMPTS });
  });

  it('fails when the record is still missing after the last attempt, with no create beyond it, saying nothing was written', async () => {
    const f = flaky(Infinity);
    const got = await createOnce(['a'], f.create, f.lookUp, 0);
    expect(got.get('a')).toEqual({
      failure: {
        ...lost.failure,
        message: `${MAX_CREATE_ATTEMPTS} creates lost their answer (the last: the answer was lost), and HubSpot held no such record after any of them: nothing was written; send the failed-events file again`,
      },
    });
    expect(f.calls.create).toBe(MAX_CREATE_ATTEMPTS);
  });

  it('is made by the fifth create when the first four lose their answer and the record is not there after any', async () => {
    // A link losing a tenth of the answers loses three in a row now and then: each create again
    // follows a look-up that found nothing, so trying on is safe.
    let creates = 0;
    const create = async (some: string[]) => {
      creates++;
      return new Map<string, Created>(some.map((i) => [i, creates < 5 ? lost : { id: `id-${i}` }]));
    };
    const lookUp = async (some: string[]) => new Map<string, Found>(some.map((i) => [i, { missing: true }]));
    const got = await createOnce(['a'], create, lookUp, 0);
    expect(got.get('a')).toEqual({ id: 'id-a' });
    expect(creates).toBe(5);
  });
});
