import { createHash } from 'node:crypto';
import { MAX_EVENT_BATCH } from '../../hubspot/api.js';
import type { OpHandle } from '../../model.js';
import { Outcomes } from '../shared/outcomes.js';
import { flattenObject, definedOnly } from '../shared/properties.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { sendSplitting } from '../shared/split-batch.js';
import { PayloadError, type ActionDefinition, type PerformContext } from '../types.js';
import { fields } from './fields.js';
import { checkMapping, missingEventPrefix } from './checks.js';
import { transformEventName } from './event-name.js';
import type { BehavioralEventOp, BehavioralEventPayload } from './types.js';

/** HubSpot rejects a completion with more than 50 properties; better said before sending. */
export const MAX_EVENT_PROPERTIES = 50;

/**
 * HubSpot keeps the first completion of an event type with a given uuid and drops repeats, so a
 * uuid derived from the Segment messageId (and the mapping) makes retries and resumed runs safe.
 */
export function eventUuid(mappingName: string, messageId: string): string {
  const h = createHash('sha1').update(`hubspot-actions\n${mappingName}\n${messageId}`).digest('hex');
  // Shaped as an RFC 4122 version-5 UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const sendCustomBehavioralEvent: ActionDefinition<BehavioralEventPayload, BehavioralEventOp> = {
  name: 'sendCustomBehavioralEvent',
  title: 'Send Custom Behavioral Event',
  description: 'Send a custom behavioral event (pe<hubId>_name) to HubSpot.',
  defaultTrigger: 'type = "track"',
  fields,
  checkMapping,
  scopes: ['analytics.behavioral_events.send'],
  plan(payload, ctx) {
    const eventName = transformEventName(payload.eventName);
    const prefix = missingEventPrefix(eventName, ctx.settings.hubId);
    if (prefix) throw new PayloadError(`EventName should begin with ${prefix}`, 'eventName');
    if (!payload.utk && !payload.email && !payload.objectId) {
      throw new PayloadError('One of the following parameters: email, user token, or objectId is required', 'email');
    }
    const properties = flattenObject(payload.properties) ?? undefined;
    if (properties && Object.keys(properties).length > MAX_EVENT_PROPERTIES) {
      throw new PayloadError(`HubSpot accepts at most ${MAX_EVENT_PROPERTIES} properties per event; this one has ${Object.keys(properties).length}.`, 'properties');
    }
    return {
      data: definedOnly({
        eventName,
        occurredAt: payload.occurredAt,
        utk: payload.utk,
        email: payload.email,
        objectId: payload.objectId,
        properties,
        uuid: eventUuid(ctx.mappingName, ctx.messageId),
      }) as BehavioralEventOp,
      // A completion is filed under the contact its email names, made then if there is none, so it
      // ends the same whether that contact's upserts come before or after it: ordering it by the
      // contact's key would only keep the contact's upserts from batching and merging. It changes
      // no state another op looks up.
      reads: [],
      writes: [],
      batchSize: MAX_EVENT_BATCH,
      lane: `sendCustomBehavioralEvent:${ctx.mappingName}`,
    };
  },
  async perform(ops, ctx) {
    const out = new Outcomes(ops);
    for (const { items, res } of await sendSplitting(ops, (some) => sendCompletions(some, ctx))) {
      if (isOk(res)) for (const op of items) out.deliver(op);
      else out.failAll(items, hubspotFailure(res));
    }
    return out.list();
  },
};

/** One completion: Segment's request. Several: HubSpot's batch. */
function sendCompletions(ops: OpHandle<BehavioralEventOp>[], ctx: PerformContext) {
  return ops.length === 1
    ? ctx.send({ method: 'POST', path: ctx.paths.eventSend(), body: ops[0]!.data, budget: 'events' }, ops)
    : ctx.send({ method: 'POST', path: ctx.paths.eventSendBatch(), body: { inputs: ops.map((o) => o.data) }, budget: 'events' }, ops);
}
