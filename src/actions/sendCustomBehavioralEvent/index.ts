import { createHash } from 'node:crypto';
import { paths, MAX_EVENT_BATCH } from '../../hubspot/api.js';
import { flattenObject, transformEventName, definedOnly } from '../shared/flatten.js';
import { hubspotFailure, isOk } from '../shared/hubspot-answers.js';
import { PayloadError, type ActionDefinition, type OpHandle, type PerformContext } from '../types.js';
import { fields } from './fields.js';
import { checkMapping, missingEventPrefix } from './checks.js';

export interface BehavioralEventPayload {
  eventName: string;
  occurredAt?: string | number;
  email?: string;
  utk?: string;
  objectId?: string;
  properties?: Record<string, unknown>;
}

export interface BehavioralEventOp {
  eventName: string;
  occurredAt?: string | number;
  utk?: string;
  email?: string;
  objectId?: string;
  properties?: Record<string, unknown>;
  uuid: string;
}

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
  prepare(payload, ctx) {
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
      batchSize: MAX_EVENT_BATCH,
      lane: `sendCustomBehavioralEvent:${ctx.mappingName}`,
    };
  },
  async perform(ops, ctx) {
    await sendSome(ops, ctx);
  },
};

/** One completion: Segment's request. Several: HubSpot's batch, split when rejected whole. */
async function sendSome(ops: OpHandle<BehavioralEventOp>[], ctx: PerformContext): Promise<void> {
  const res =
    ops.length === 1
      ? await ctx.send({ method: 'POST', path: paths.eventSend(), body: ops[0]!.data, budget: 'events' }, ops)
      : await ctx.send({ method: 'POST', path: paths.eventSendBatch(), body: { inputs: ops.map((o) => o.data) }, budget: 'events' }, ops);
  if (isOk(res)) {
    for (const op of ops) ctx.deliver(op);
    return;
  }
  if (res.status >= 400 && res.status < 500 && ops.length > 1) {
    const mid = Math.ceil(ops.length / 2);
    await sendSome(ops.slice(0, mid), ctx);
    await sendSome(ops.slice(mid), ctx);
    return;
  }
  const failure = hubspotFailure(res);
  for (const op of ops) ctx.fail(op, failure);
}
