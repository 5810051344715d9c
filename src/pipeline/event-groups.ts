import chalk, { type ChalkInstance } from 'chalk';
import { compactBody, scalar } from './compact-body.js';
import type { EventFailure, EventRecord } from './ledger.js';
import type { LoggedRequest } from './request-log.js';

/** What the grouping needs of the operations a request serves. */
export interface RequestOp {
  readonly id: number;
  readonly mappingName: string;
  data: unknown;
  events: EventRecord[];
}

interface Group {
  rec?: EventRecord;
  final: boolean;
  /** This event's part of each request, rendered when the request was made. */
  requests: string[];
}

/**
 * `send --dry-run --pretty`: the requests grouped by the input event that caused them, each group
 * printed once its event is final, in input order. Events finish out of order (a batch waits to
 * fill), so the groups after an unfinished one wait; when too many finished ones wait behind it,
 * they are printed before it, which keeps memory bounded on big inputs.
 */
export class EventGroups {
  /** By event seq, in seq order (a Map keeps insertion order): every event begun and not printed. */
  private readonly groups = new Map<number, Group>();
  private created = -1;
  private waitingFinal = 0;
  private overtaken = false;

  constructor(
    private readonly print: (text: string) => void,
    private readonly c: ChalkInstance = chalk,
    private readonly maxWaiting = 2000,
  ) {}

  request(r: LoggedRequest, ops: readonly RequestOp[]): void {
    const events = [...new Set(ops.flatMap((op) => op.events))];
    for (const rec of events) {
      const g = this.group(rec);
      g.requests.push(renderRequest(r, ops, rec, events.length, this.c));
    }
  }

  final(rec: EventRecord): void {
    const g = this.group(rec);
    g.final = true;
    this.waitingFinal++;
    this.flush();
    if (this.waitingFinal > this.maxWaiting) this.printFinished();
  }

  /** At the end of the run: what is left, in order; an event the run did not finish says so. */
  end(): void {
    for (const [seq, g] of this.groups) {
      if (g.rec) this.print(this.render(g));
      this.groups.delete(seq);
    }
  }

  /** Every event with a smaller seq has begun (events begin in seq order), so each gets its place. */
  private group(rec: EventRecord): Group {
    while (this.created < rec.seq) this.groups.set(++this.created, { final: false, requests: [] });
    const g = this.groups.get(rec.seq) ?? { final: false, requests: [] };
    g.rec = rec;
    return g;
  }

  private flush(): void {
    for (const [seq, g] of this.groups) {
      if (!g.final) return;
      this.emit(seq, g);
    }
  }

  private printFinished(): void {
    if (!this.overtaken) {
      this.overtaken = true;
      this.print(this.c.yellow('(an earlier event is still waiting for its batch: the events after it are printed first, each under its own line number)\n'));
    }
    for (const [seq, g] of this.groups) if (g.final) this.emit(seq, g);
  }

  private emit(seq: number, g: Group): void {
    this.groups.delete(seq);
    this.waitingFinal--;
    this.print(this.render(g));
  }

  private render(g: Group): string {
    return [eventHeader(g.rec!, this.c), ...outcomeLines(g.rec!, this.c), ...g.requests].join('\n') + '\n';
  }
}

/** `file:line  type "name"  messageId …`: which input line a person is reading about. */
function eventHeader(rec: EventRecord, c: ChalkInstance): string {
  const e = rec.event;
  const name = e ? (typeof e.event === 'string' ? e.event : typeof e.name === 'string' ? e.name : undefined) : undefined;
  const what = e ? `${e.type ?? '(no type)'}${name !== undefined ? ` "${name}"` : ''}` : '(not an event)';
  const id = rec.messageId ? `  messageId ${rec.messageId}` : '';
  const from = rec.origin ? c.dim(`  (first read at ${rec.origin.file}:${rec.origin.line})`) : '';
  return `${c.bold(`${rec.source.file}:${rec.source.line}`)}  ${what}${c.dim(id)}${from}`;
}

function outcomeLines(rec: EventRecord, c: ChalkInstance): string[] {
  if (rec.outcome === undefined) return [c.yellow('  → not finished: the run stopped before this event')];
  const out: string[] = [];
  if (rec.outcome === 'delivered') out.push(c.green('  → would be delivered'));
  else if (rec.outcome === 'skipped') out.push(c.yellow(`  → skipped: ${rec.skips[0] ?? 'no mapping matched'}`));
  else out.push(c.red(`  → failed`));
  for (const f of rec.failures) out.push(c.red(`    ✗ ${failureText(f)}`));
  // The first skip is the outcome's reason; the others (and those of a delivered event) are still worth a line.
  for (const s of rec.outcome === 'skipped' ? rec.skips.slice(1) : rec.skips) out.push(c.yellow(`    skipped: ${s}`));
  return out;
}

function failureText(f: EventFailure): string {
  const where = [f.mapping && `mapping "${f.mapping}"`, f.field && `field "${f.field}"`].filter(Boolean).join(', ');
  const hs = f.kind === 'hubspot' && f.status ? ` (HubSpot ${f.status}${f.category ? ` ${f.category}` : ''})` : '';
  return `${where ? `${where}: ` : ''}${f.message}${hs}`;
}

/** One request under one event: method and path, whose request it is, the condition, this event's part of the body. */
function renderRequest(r: LoggedRequest, ops: readonly RequestOp[], rec: EventRecord, events: number, c: ChalkInstance): string {
  const part = partOf(r.body, ops, rec);
  const notes = [r.mapping, part.note ?? (events > 1 ? `shared by ${events} events` : undefined)].filter(Boolean).join(' · ');
  const lines = [`  ${c.bold.cyan(r.method)} ${pathOf(r.url)}  ${c.dim(notes)}`];
  if (r.dependsOn) lines.push(c.yellow(`      only if ${r.dependsOn}`));
  if (part.body !== undefined) lines.push(...compactBody(part.body).map((l) => `      ${l}`));
  return lines.join('\n');
}

/**
 * The event's own input of a batch write (HubSpot's inputs carry each op's id as objectWriteTraceId,
 * behavioral events are the op's data): "batch of N, this event is item k". Requests that do not
 * split by event (a search, a read of many emails) are shown whole.
 */
function partOf(body: unknown, ops: readonly RequestOp[], rec: EventRecord): { body: unknown; note?: string } {
  const inputs = (body as { inputs?: unknown[] } | undefined)?.inputs;
  const single = ops.length === 1 ? ops[0]! : undefined;
  // A batch request for one op reads best without its one-element list.
  const whole = single && Array.isArray(inputs) && inputs.length === 1 ? { ...(body as object), inputs: undefined, ...(inputs[0] as object) } : body;
  if (single && single.events.length > 1) return { body: whole, note: `one request for the merged events of lines ${linesOf(single)}` };
  if (single || !Array.isArray(inputs) || inputs.length !== ops.length) return { body: whole };
  const belongs = (input: unknown, op: RequestOp) => input === op.data || scalar((input as { objectWriteTraceId?: unknown })?.objectWriteTraceId) === String(op.id);
  if (!inputs.every((input, i) => belongs(input, ops[i]!))) return { body };
  const k = ops.findIndex((op) => op.events.includes(rec));
  const op = ops[k]!;
  const merged = op.events.length > 1 ? `, merged from lines ${linesOf(op)}` : '';
  return { body: inputs[k], note: `batch of ${inputs.length}, this event is item ${k + 1}${merged}` };
}

const linesOf = (op: RequestOp) => op.events.map((e) => e.source.line).join(', ');

/** The path and query, decoded for reading (`contacts/a@x.io`): the base URL is the same for every request. */
function pathOf(url: string): string {
  const u = new URL(url);
  const text = u.pathname + u.search;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
