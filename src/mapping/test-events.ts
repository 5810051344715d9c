import { failedConditions, type FailedCondition } from './explain-trigger.js';
import { mapEvent, type PayloadProblem } from './map-event.js';
import type { MappingFile } from './types.js';

/** What one mapping made of one sample event. */
export interface MappingOutcome {
  mapping: string;
  action: string;
  matched: boolean;
  /** When the trigger did not match: the parts of it the event did not meet. */
  failed?: FailedCondition[];
  /** When it matched and mapped: the payload after defaults, mapping-kit and Segment's schema. */
  payload?: Record<string, unknown>;
  /** When it matched but the payload is invalid: every problem, with its field. */
  problems?: PayloadProblem[];
}

/** One line of the sample file and what every mapping made of it. */
export interface EventOutcome {
  file: string;
  line: number;
  /** The line is not an event (not JSON, not an object): nothing was mapped. */
  problem?: string;
  type?: string;
  event?: string;
  messageId?: string;
  mappings: MappingOutcome[];
}

/** One line of a sample, numbered as an editor numbers it, or why it has no text to test. */
export interface SampleLine {
  line: number;
  text: string;
  problem?: string;
}

/**
 * The mapping tester: runs each sample event through every mapping offline, as `send` would up
 * to the HubSpot requests: which triggers matched (and for the others, which part did not), the
 * payload each produced, and every validation problem. One outcome per line, as the lines come.
 */
export async function* testEvents(mappingFile: MappingFile, path: string, lines: AsyncIterable<SampleLine>): AsyncGenerator<EventOutcome> {
  for await (const { line, text, problem } of lines) yield problem ? { file: path, line, problem, mappings: [] } : testEvent(mappingFile, path, line, text);
}

function testEvent(mappingFile: MappingFile, path: string, line: number, text: string): EventOutcome {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (err) {
    return { file: path, line, problem: `not valid JSON (${err instanceof Error ? err.message : String(err)})`, mappings: [] };
  }
  if (!event || typeof event !== 'object' || Array.isArray(event)) return { file: path, line, problem: 'not a JSON object (one Segment event per line)', mappings: [] };
  const e = event as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { file: path, line, type: str(e.type), event: str(e.event), messageId: str(e.messageId), mappings: mappingFile.mappings.map((m) => outcomeOf(m, event)) };
}

function outcomeOf(m: MappingFile['mappings'][number], event: unknown): MappingOutcome {
  const base = { mapping: m.name, action: m.action.name };
  if (!m.trigger.matches(event)) return { ...base, matched: false, failed: failedConditions(m.trigger.source, event) };
  const mapped = mapEvent(m, event);
  return mapped.ok ? { ...base, matched: true, payload: mapped.payload } : { ...base, matched: true, problems: mapped.problems };
}
