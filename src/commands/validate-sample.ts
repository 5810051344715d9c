// The mapping tester (`validate --events`): a sample read as `send` reads its input, each event
// tested and written as it is read, in text for people or as the JSON report.
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { UserError } from '../errors.js';
import { forPeople } from '../for-people.js';
import type { MappingFile } from '../mapping/types.js';
import type { EventOutcome, MappingOutcome, SampleLine } from '../mapping/test-events.js';
import { LineWriter } from '../pipeline/output.js';

/** Where validate writes: the report on stdout (text or JSON), problems for people on stderr. */
export interface ValidateIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Read when `--events -`. */
  stdin?: Readable;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * The sample's outcomes, one a line as it is read, by the reader `send` uses (.gz by its bytes,
 * pipes, a byte-order mark, the line limit). A file that cannot be read fails here, before any output.
 */
export async function openSample(events: string, file: MappingFile, stdin: Readable | undefined): Promise<AsyncIterable<EventOutcome>> {
  const { testEvents } = await import('../mapping/test-events.js');
  if (events === '-') return testEvents(file, '<stdin>', sampleLines(events, stdin));
  try {
    await stat(events);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new UserError(`cannot read the events file ${events} (${code})`, 'give --events a file of Segment events, one JSON object per line');
  }
  return testEvents(file, events, sampleLines(events));
}

async function* sampleLines(events: string, stdin?: Readable): AsyncGenerator<SampleLine> {
  const [{ readLineChunks }, { isBlank }] = await Promise.all([import('../pipeline/read-lines.js'), import('../pipeline/parse-event.js')]);
  for await (const chunk of readLineChunks([events], { stdin })) {
    for (const l of chunk) {
      if (isBlank(l)) continue;
      if (l.unreadable?.kind === 'too-long') yield { line: l.line, text: '', problem: `longer than the line limit (${l.unreadable.bytes} bytes): not read; send skips it too unless given a larger --max-line-bytes` };
      else if (l.unreadable) yield { line: l.line, text: '', problem: 'not valid UTF-8: send fails it too, keeping its bytes in the failed-events file' };
      else yield { line: l.line, text: l.text };
    }
  }
}

/**
 * Lines out as they come, buffered, waiting while the reader of a real stdout lags: a sample may
 * be a whole export, and neither its outcomes nor the report are held.
 */
function sampleOutput(out: ValidateIO['stdout']): { line(text: string): void; backpressure(): Promise<void> | undefined; end(): Promise<void>; readerGone: boolean } {
  if (typeof (out as Partial<NodeJS.WritableStream>).on === 'function') return new LineWriter(out as NodeJS.WritableStream);
  return { line: (text) => void out.write(text + '\n'), backpressure: () => undefined, end: async () => {}, readerGone: false };
}

/** `JSON.stringify({...report, events}, null, 2)`, the events written as they are tested. */
export async function writeJsonReport(stdout: ValidateIO['stdout'], report: object, sample: AsyncIterable<EventOutcome>): Promise<void> {
  const out = sampleOutput(stdout);
  const whole = JSON.stringify({ ...report, events: [] }, null, 2);
  const head = whole.slice(0, whole.lastIndexOf('[]'));
  // Each event is held until the next comes: the last one has no comma after it.
  let held: string | undefined;
  for await (const e of sample) {
    out.line(held === undefined ? `${head}[` : `${held},`);
    held = JSON.stringify(e, null, 2).replace(/^/gm, '    ');
    await out.backpressure();
    if (out.readerGone) return;
  }
  if (held === undefined) out.line(`${head}[]`);
  else out.line(`${held}\n  ]`);
  out.line('}');
  await out.end();
}

/** The mapping tester's report for people: per event, each mapping's outcome; then totals. */
export async function writeTested(stdout: ValidateIO['stdout'], sample: AsyncIterable<EventOutcome>, file: MappingFile): Promise<void> {
  const out = sampleOutput(stdout);
  const matched = new Map(file.mappings.map((m) => [m.name, { matched: 0, invalid: 0 }]));
  let events = 0;
  let notEvents = 0;
  for await (const e of sample) {
    events++;
    // The sample's own text (a messageId, a JSON error quoting the line) goes to a terminal.
    out.line(forPeople(renderEvent(e, matched)));
    if (e.problem) notEvents++;
    await out.backpressure();
    if (out.readerGone) return;
  }
  out.line(`${count(events, 'event')} tested:`);
  for (const [name, n] of matched) out.line(`  "${name}": matched ${n.matched}${n.invalid ? `, ${n.invalid} of them invalid` : ''}`);
  if (notEvents) out.line(`  ${count(notEvents, 'line')} not an event`);
  await out.end();
}

/** One event's block (ending in a blank line), counting its matches. */
function renderEvent(e: EventOutcome, matched: Map<string, { matched: number; invalid: number }>): string {
  if (e.problem) return `${e.file}:${e.line}: ${e.problem}\n`;
  const out = [`${e.file}:${e.line}: ${[e.type ?? '(no type)', e.event ? JSON.stringify(e.event) : '', e.messageId ? `messageId ${e.messageId}` : ''].filter(Boolean).join(' ')}`];
  for (const m of e.mappings) {
    out.push(...renderOutcome(m));
    const n = matched.get(m.mapping);
    if (n && m.matched) {
      n.matched++;
      if (m.problems) n.invalid++;
    }
  }
  return out.join('\n') + '\n';
}

function renderOutcome(m: MappingOutcome): string[] {
  const name = `"${m.mapping}" (${m.action})`;
  if (!m.matched) {
    const why = (m.failed ?? []).map((f) => `${f.condition}${'actual' in f ? ` (the event has ${f.actual === undefined ? 'nothing there' : JSON.stringify(f.actual)})` : ''}`);
    return [`  no match  ${name}: not met: ${why.join('; ')}`];
  }
  if (m.problems) return [`  invalid   ${name}:`, ...m.problems.map((p) => `              ${p.field ? `field "${p.field}": ` : ''}${p.message}`)];
  const body = JSON.stringify(m.payload, null, 2).split('\n').map((l) => `              ${l}`);
  return [`  matched   ${name}, payload:`, ...body];
}
