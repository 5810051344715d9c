import { PayloadError, type DestinationSettings } from '../actions/types.js';
import type { Mapping } from '../mapping/mapping-file.js';
import { mapEvent } from '../mapping/map-event.js';
import type { OpHandle, SegmentEvent } from '../model.js';
import type { EventLedger, EventRecord } from './ledger.js';
import type { Scheduler } from './schedule.js';
import type { Searchable } from '../actions/shared/searched.js';
import { movesKey } from '../actions/shared/keys.js';
import { movedBy } from './searchable.js';

export interface PlanStage {
  settings: DestinationSettings;
  scheduler: Scheduler;
  ledger: EventLedger;
  /** What the mappings may search by: the run memory and the write keys keep only these. */
  searchable?: Searchable;
  /** Which object types may have records moved away from searched values (searchable.ts movableIn). */
  movable?: (objectType: string) => boolean;
  /** Per mapping, the movesKey each of its ops writes: the types it may move records of (movesKeysOf). */
  movesKeys?: ReadonlyMap<Mapping, readonly string[]>;
}

/** What every op of each mapping writes for the types it may move (keys.ts movesKey; '*': a type decided per event). */
export function movesKeysOf(mappings: readonly Mapping[], searchable: Searchable): Map<Mapping, readonly string[]> {
  const out = new Map<Mapping, readonly string[]>();
  for (const m of mappings) {
    const moved = movedBy(m, searchable);
    const keys = moved === 'any' ? [movesKey('*')] : moved.map(movesKey);
    if (keys.length) out.set(m, keys);
  }
  return out;
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
      const planned = mapping.action.plan(mapped.payload, { settings: stage.settings, event, mappingName: mapping.name, messageId: stableId, sameEvent, searchable: stage.searchable, movable: stage.movable });
      const moves = stage.movesKeys?.get(mapping);
      if (moves) planned.writes = [...planned.writes, ...moves];
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
