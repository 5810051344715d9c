import { describe, expect, it } from 'vitest';
import { sendCustomBehavioralEvent } from '../../src/actions/sendCustomBehavioralEvent/index.js';
import { planned, scripted } from '../helpers/scripted-context.js';

const fields = '      eventName: { "@path": "$.event" }\n      email: { "@path": "$.properties.email" }\n';
const ev = (i: number, event = 'pe1_clicked') => ({ type: 'track', messageId: `m${i}`, event, properties: { email: `u${i}@x.io` } });

describe('sendCustomBehavioralEvent perform', () => {
  it('sends one completion as Segment does, and several in one batch', async () => {
    const one = scripted([['POST /events/v3/send', { status: 204 }]]);
    expect(await sendCustomBehavioralEvent.perform([planned('sendCustomBehavioralEvent', fields, ev(0))], one)).toEqual([{ kind: 'delivered' }]);
    const ops = [1, 2, 3].map((i) => planned('sendCustomBehavioralEvent', fields, ev(i)));
    const many = scripted([['POST /events/v3/send/batch', { status: 204 }]]);
    expect((await sendCustomBehavioralEvent.perform(ops, many)).map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered']);
    expect((many.sent[0]!.req.body as any).inputs).toHaveLength(3);
  });

  it('splits a batch HubSpot rejects whole until the bad completion is alone', async () => {
    const ops = [1, 2, 3, 4].map((i) => planned('sendCustomBehavioralEvent', fields, ev(i, i === 3 ? 'pe1_unknown' : 'pe1_clicked')));
    const bad = (body: any) => (body.inputs ?? [body]).some((i: any) => i.eventName === 'pe1_unknown');
    const answer = (req: any) => (bad(req.body) ? { status: 400, body: { category: 'VALIDATION_ERROR', message: 'unknown event' } } : { status: 204 });
    const ctx = scripted([
      ['POST /events/v3/send/batch', answer],
      ['POST /events/v3/send/batch', answer],
      ['POST /events/v3/send/batch', answer],
      ['POST /events/v3/send', answer],
      ['POST /events/v3/send', answer],
    ]);
    const outcomes = await sendCustomBehavioralEvent.perform(ops, ctx);
    expect(outcomes.map((o) => o.kind)).toEqual(['delivered', 'delivered', 'failed', 'delivered']);
    expect(ctx.left()).toEqual([]);
  });

  it('is not ordered against its contact\'s upserts: it ends the same before or after them', () => {
    const op = planned('sendCustomBehavioralEvent', fields, { ...ev(1), properties: { email: 'Jo@X.io' } });
    expect(op.plan.reads).toEqual([]);
    expect(op.plan.writes).toEqual([]);
  });
});
