import { PayloadError, type DestinationSettings } from '../actions/types.js';
import type { Mapping } from '../mapping/mapping-file.js';
import { mapEvent } from '../mapping/map-event.js';
import type { OpHandle, SegmentEvent } from '../model.js';
import type { EventLedger, EventRecord } from './ledger.js';
import type { Scheduler } from './schedule.js';
import type { Searchable } from '../actions/shared/searched.js';
import type { moversIn } from './searchable.js';

export interface PlanStage {
  settings: DestinationSettings;
  scheduler: Scheduler;
  ledger: EventLedger;
  /** What the mappings may search by: the run memory and the write keys keep only these. */
  searchable?: Searchable;
  /** What the mappings may move or reach by different properties, and the keys each mapping's ops write for it (searchable.ts moversIn). */
  movers?: ReturnType<typeof moversIn>;
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
      const planned = mapping.action.plan(mapped.payload, { settings: stage.settings, event, mappingName: mapping.name, messageId: stableId, sameEvent, searchable: stage.searchable, movers: stage.movers });
      const moves = stage.movers?.writes(mapping);
      if (moves?.length) planned.writes = [...planned.writes, ...moves];
      const op = scheduler.submit(mapping.action, mapping.name, planned, rec);
      ledger.attach(rec);
      if (mapping.action.provides) sameEvent.set(mapping.action.provides, op);
    } catch (err) {
      // A bug must not take the run (and the other events) down with it: this event fails, saying so.
      if (err instanceof PayloadError) ledger.fail(rec, { kind: 'invalid', ...where, field: err.field, message: err.message });
      else ledger.fail(rec, { kind: 'internal', ...where, message: `internal error while planning this event: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
}
