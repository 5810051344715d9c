import { PlanTransport, type Change, type PlanLog, type PlanTag } from '../../hubspot/plan-transport.js';
import type { Transport } from '../../hubspot/transport.js';
import { sourcesOf, type LoggedRequest } from '../../pipeline/request-log.js';
import type { Op } from '../../pipeline/schedule.js';
import type { RunResult } from '../../pipeline/run.js';
import type { Preflight } from '../../preflight/checks.js';
import { formatProblems } from '../../preflight/problems.js';

export interface PlanTotals {
  creates: number;
  updates: number;
  unchanged: number;
  associations: number;
  /** Associations the live run would send that HubSpot already holds. */
  associationsExisting: number;
  events: number;
  properties: number;
  problems: Record<string, number>;
  failedEvents: number;
}

/** `send --plan`: the read-only transport over the live client, and the report at the end. */
export class PlanMode {
  readonly transport: PlanTransport;

  constructor(
    live: Transport,
    private readonly preflight: Preflight,
  ) {
    this.transport = new PlanTransport(
      live,
      async (w) => {
        const where = w.tag.sources.map((s) => ({ file: s.file, line: s.line }));
        await this.preflight.checkWrite(w.tag.mapping, w.on, w.owner, w.props, where);
      },
      preflight.facts.paths,
    );
  }

  /** The pipeline shows each request here just before sending it: it names the lines it serves. */
  onRequest = (r: LoggedRequest, ops: readonly Op[]): void =>
    this.transport.tag({ sources: r.sources, mapping: r.mapping, action: r.action }, { ids: ops.map((op) => String(op.id)), sourcesAt: (at) => sourcesOf([ops[at]!]) });

  /**
   * The plan as JSON chunks (a plan of a big export is larger than one string can be, so it is
   * written piece by piece), or as text for people.
   */
  async report(result: RunResult): Promise<{ json: () => Iterable<string>; text: () => string }> {
    await this.transport.drained();
    const plan = this.transport.plan();
    const totals = totalsOf(plan, this.preflight, result);
    const problems = this.preflight.problems.list();
    const rest = { totals, problems, counts: result.counts, requests: result.requests, stoppedBy: result.stoppedBy?.message };
    return {
      json: () => jsonChunks(plan, rest),
      text: () => renderPlan(plan) + (problems.length ? `\nProblems:\n${formatProblems(problems)}` : '') + `\n${renderTotals(totals)}\n` ,
    };
  }
}

/** `{"plan":{"records":[…],…},"totals":…}` one item at a time: the same JSON as one JSON.stringify. */
export function* jsonChunks(plan: PlanLog, rest: Record<string, unknown>): Generator<string> {
  yield '{"plan":{';
  let first = true;
  for (const [key, items] of Object.entries(plan) as Array<[string, unknown[]]>) {
    yield `${first ? '' : ','}${JSON.stringify(key)}:[`;
    first = false;
    for (let i = 0; i < items.length; i++) yield (i ? ',' : '') + JSON.stringify(items[i]);
    yield ']';
  }
  yield '}';
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) yield `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  yield '}\n';
}

function totalsOf(plan: PlanLog, preflight: Preflight, result: RunResult): PlanTotals {
  const count = (k: string) => plan.records.filter((r) => r.kind === k).length;
  return {
    creates: count('create'),
    updates: count('update'),
    unchanged: count('unchanged'),
    associations: plan.associations.filter((a) => !a.exists).length,
    associationsExisting: plan.associations.filter((a) => a.exists).length,
    events: plan.events.length,
    properties: plan.properties.length,
    problems: preflight.problems.byKind(),
    failedEvents: result.counts.failed,
  };
}

const MAX_VALUE = 60;
function show(v: string | null): string {
  if (v === null || v === '') return '(empty)';
  const s = JSON.stringify(v);
  return s.length > MAX_VALUE ? s.slice(0, MAX_VALUE - 1) + '…"' : s;
}

function from(tag: PlanTag): string {
  const lines = tag.sources.slice(0, 3).map((s) => `${s.file}:${s.line}`).join(', ') + (tag.sources.length > 3 ? `, +${tag.sources.length - 3}` : '');
  return `  [${tag.mapping}${lines ? `; ${lines}` : ''}]`;
}

function changeLines(changes: Record<string, Change>, created: boolean): string[] {
  return Object.entries(changes).map(([k, c]) => (created ? `    ${k}: ${show(c.to)}` : `    ${k}: ${show(c.from)} → ${show(c.to)}`));
}

export function renderPlan(plan: PlanLog): string {
  const out: string[] = [];
  for (const p of plan.properties) out.push(`create property ${p.objectType}.${p.name}${from(p)}`);
  for (const r of plan.records) {
    out.push(`${r.kind} ${r.objectType} ${r.id}${from(r)}`);
    out.push(...changeLines(r.changes, r.kind === 'create'));
  }
  for (const a of plan.associations) {
    const label = a.types.map((t) => `${t.associationCategory ?? ''}:${t.associationTypeId ?? (t as any).name ?? ''}`).join(', ');
    out.push(`${a.exists ? 'associated already' : 'associate'} ${a.fromType} ${a.fromId} → ${a.toType} ${a.toId}${label ? ` (${label})` : ''}${from(a)}`);
  }
  for (const e of plan.events) {
    const who = e.email ? `email ${e.email}` : e.utk ? `utk ${e.utk}` : `objectId ${e.objectId}`;
    const props = Object.keys(e.properties).length ? ` ${JSON.stringify(e.properties)}` : '';
    out.push(`event ${e.eventName} for ${who}${e.occurredAt ? ` at ${e.occurredAt}` : ''}${props}${from(e)}`);
  }
  return out.length ? out.join('\n') + '\n' : 'No writes: a live run would change nothing.\n';
}

function renderTotals(t: PlanTotals): string {
  const problems = Object.entries(t.problems).map(([k, n]) => `${n} ${k}`).join(', ');
  return `Plan (nothing was written): ${t.creates} create${t.creates === 1 ? '' : 's'}, ${t.updates} update${t.updates === 1 ? '' : 's'}, ${t.unchanged} unchanged, ${t.associations} association${t.associations === 1 ? '' : 's'}${t.associationsExisting ? ` (${t.associationsExisting} held already)` : ''}, ${t.events} event${t.events === 1 ? '' : 's'}${t.properties ? `, ${t.properties} propert${t.properties === 1 ? 'y' : 'ies'} created` : ''}; problems: ${problems || 'none'}; events that would fail: ${t.failedEvents}`;
}
