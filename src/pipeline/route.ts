import { createHash } from 'node:crypto';
import { PayloadError, type DestinationSettings, type OpHandle } from '../actions/types.js';
import type { Mapping } from '../mapping/mapping-file.js';
import { mapEvent } from '../mapping/map-event.js';
import type { Accounts, EventRecord } from './account.js';
import type { SegmentEvent } from '../model.js';
import type { InputLine } from './read-lines.js';
import type { Scheduler } from './schedule.js';
import { unwrapFailedLine } from './failed-events.js';

export interface RouteContext {
  mappings: Mapping[];
  settings: DestinationSettings;
  scheduler: Scheduler;
  accounts: Accounts;
  /** scheduler.latestOp, bound once for the run rather than per event and mapping. */
  latestOp: (alias: string) => OpHandle | undefined;
}

const NOT_BLANK = /\S/;

/**
 * One input line through read → route → map → plan: the line becomes an event record, each
 * matching mapping's payload becomes an operation handed to the scheduler, and every problem on the
 * way is recorded against the event rather than thrown.
 */
export function routeLine(line: InputLine, ctx: RouteContext): EventRecord | undefined {
  if (!NOT_BLANK.test(line.text)) return undefined;
  const { accounts, scheduler } = ctx;
  const rec = accounts.begin(line.input, { file: line.file, line: line.line });
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.text);
  } catch (err) {
    return reject(rec, line.text, `line ${line.line} is not valid JSON (${(err as Error).message})`, ctx);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject(rec, line.text, `line ${line.line} is JSON but not an object; each line must be one Segment event`, ctx);
  }
  const unwrapped = unwrapFailedLine(parsed as Record<string, unknown>);
  if (unwrapped.raw !== undefined) {
    return reject(rec, unwrapped.raw, `line ${line.line} holds a line that was not a JSON object when first read; fix it at its origin`, ctx);
  }
  const event = unwrapped.event as SegmentEvent;
  rec.event = event;
  rec.onlyMappings = unwrapped.onlyMappings;
  rec.messageId = typeof event.messageId === 'string' && event.messageId ? event.messageId : undefined;
  const messageId = rec.messageId ?? createHash('sha1').update(line.text).digest('hex');

  let contactOfSameEvent: OpHandle | undefined;
  let matched = 0;
  for (const mapping of ctx.mappings) {
    if (rec.onlyMappings && !rec.onlyMappings.includes(mapping.name)) continue;
    if (!mapping.trigger.matches(event)) continue;
    matched++;
    accounts.matched(mapping.name);
    const mapped = mapEvent(mapping, event);
    if (!mapped.ok) {
      accounts.fail(rec, { kind: 'invalid', mapping: mapping.name, action: mapping.action.name, field: mapped.field, message: mapped.message });
      continue;
    }
    try {
      const prepared = mapping.action.prepare(mapped.payload, {
        settings: ctx.settings,
        event,
        mappingName: mapping.name,
        messageId,
        contactOfSameEvent,
        latestOp: ctx.latestOp,
      });
      const op = scheduler.submit(mapping.action, mapping.name, prepared);
      accounts.attach(rec, op);
      if (mapping.action.name === 'upsertContact') contactOfSameEvent = op;
    } catch (err) {
      // A bug must not take the run (and the other events) down with it: this event fails, saying so.
      if (err instanceof PayloadError) accounts.fail(rec, { kind: 'invalid', mapping: mapping.name, action: mapping.action.name, field: err.field, message: err.message });
      else accounts.fail(rec, { kind: 'internal', mapping: mapping.name, action: mapping.action.name, message: `internal error while planning this event: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  if (matched === 0) accounts.skip(rec, rec.onlyMappings ? `none of the mappings it failed in (${rec.onlyMappings.join(', ')}) is in the mapping file and matches it` : 'no mapping matched');
  accounts.seal(rec);
  return rec;
}

function reject(rec: EventRecord, text: string, message: string, ctx: RouteContext): EventRecord {
  rec.raw = text;
  ctx.accounts.fail(rec, { kind: 'invalid', message });
  ctx.accounts.seal(rec);
  return rec;
}
