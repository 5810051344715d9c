import { PayloadError, type ActionDefinition, type DestinationSettings, type PlannedOp } from '../actions/types.js';
import type { Mapping } from '../mapping/mapping-file.js';
import { mapEvent } from '../mapping/map-event.js';
import type { OpHandle, SegmentEvent } from '../model.js';
import type { EventLedger, EventRecord } from './ledger.js';
import type { Op, Scheduler } from './schedule.js';

export interface PlanStage {
  settings: DestinationSettings;
  scheduler: Scheduler;
  ledger: EventLedger;
}

/**
 * The map and plan stages for one event and the mappings it matched: each mapping's payload
 * (mapping-kit, defaults, Segment's validation) becomes an operation on HubSpot state, handed to the
 * scheduler. A problem with one mapping fails the event for that mapping, never the run.
 */
export function planEvent(rec: EventRecord, event: SegmentEvent, stableId: string, mappings: readonly Mapping[], stage: PlanStage): void {
  const { ledger, scheduler } = stage;
  /** What earlier mappings of this event provide to later ones (Upsert Contact: the contact). */
  const sameEvent = new Map<string, OpHandle>();
  for (const mapping of mappings) {
    ledger.matched(mapping.name);
    const where = { mapping: mapping.name, action: mapping.action.name };
    const mapped = mapEvent(mapping, event);
    if (!mapped.ok) {
      ledger.fail(rec, { kind: 'invalid', ...where, field: mapped.field, message: mapped.message });
      continue;
    }
    try {
      const planned = planOne(mapping.action, mapped.payload, { settings: stage.settings, event, mappingName: mapping.name, messageId: stableId, sameEvent });
      const op = scheduler.submit(mapping.action, mapping.name, planned, rec);
      ledger.attach(rec);
      legacy.remember(op, planned);
      if (mapping.action.provides) sameEvent.set(mapping.action.provides, op);
    } catch (err) {
      // A bug must not take the run (and the other events) down with it: this event fails, saying so.
      if (err instanceof PayloadError) ledger.fail(rec, { kind: 'invalid', ...where, field: err.field, message: err.message });
      else ledger.fail(rec, { kind: 'internal', ...where, message: `internal error while planning this event: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
}

interface PlanInput {
  settings: DestinationSettings;
  event: SegmentEvent;
  mappingName: string;
  messageId: string;
  sameEvent: ReadonlyMap<string, OpHandle>;
}

function planOne(action: ActionDefinition, payload: Record<string, unknown>, ctx: PlanInput): PlannedOp & { aliases?: string[] } {
  if (action.plan) return action.plan(payload, ctx);
  return legacy.plan(action, payload, ctx);
}

/**
 * Until every action declares its reads and writes itself: an old-style `prepare` with one record
 * key and aliases is read as reading and writing that key and writing its aliases.
 */
const legacy = {
  byAlias: new Map<string, Op>(),
  plan(action: ActionDefinition, payload: Record<string, unknown>, ctx: PlanInput): PlannedOp & { aliases?: string[] } {
    const p = action.prepare!(payload, {
      ...ctx,
      contactOfSameEvent: ctx.sameEvent.get('contact'),
      latestOp: (alias) => {
        const op = legacy.byAlias.get(alias);
        return op && op.state !== 'done' ? op : undefined;
      },
    });
    const keys = p.key ? [p.key] : [];
    return { data: p.data, reads: keys, writes: [...keys, ...(p.aliases ?? [])], after: p.after, batchSize: p.batchSize, lane: p.lane, aliases: p.aliases };
  },
  remember(op: Op, planned: { aliases?: string[] }): void {
    for (const a of planned.aliases ?? []) legacy.byAlias.set(a, op);
  },
};
