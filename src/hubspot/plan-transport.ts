import { DryRunTransport } from './dry-run-transport.js';
import { asProps, isMadeUp, matchesSearch, PlanState, sameValue, type Props } from './plan-state.js';
import type { HubSpotRequest, HubSpotResponse, Transport } from './transport.js';
import { apiPaths, type ApiPaths } from './api.js';

/** Which input lines and mapping a request serves (what the pipeline's request log says). */
export interface PlanTag {
  sources: Array<{ file: string; line: number; messageId?: string }>;
  mapping: string;
  action: string;
}

/**
 * The ops a request serves, in the order the action gave them, with each op's own lines: a batch
 * input is put down to the lines of its op, not of the whole batch (100 ops and their merged
 * events), which named unrelated lines and made a backfill's plan hundreds of MB.
 */
export interface OpSources {
  ids: string[];
  /** The lines of the op at `at`; asked only for the inputs of writes, not for every read. */
  sourcesAt(at: number): PlanTag['sources'];
}

export type Change = { from: string | null; to: string | null };

export interface PlannedRecordWrite extends PlanTag {
  kind: 'create' | 'update' | 'unchanged';
  objectType: string;
  /** HubSpot's id, or the plan's made-up one for a record it creates. */
  id: string;
  changes: Record<string, Change>;
}

export interface PlannedAssociation extends PlanTag {
  fromType: string;
  fromId: string;
  toType: string;
  toId: string;
  types: Array<{ associationCategory?: string; associationTypeId?: number }>;
  /** HubSpot already holds it (read before): the live run's request would change nothing. */
  exists?: boolean;
}

export interface PlannedEvent extends PlanTag {
  eventName: string;
  email?: string;
  utk?: string;
  objectId?: string;
  occurredAt?: string;
  properties: Record<string, unknown>;
}

export interface PlannedProperty extends PlanTag {
  objectType: string;
  name: string;
}

export interface PlanLog {
  records: PlannedRecordWrite[];
  associations: PlannedAssociation[];
  events: PlannedEvent[];
  properties: PlannedProperty[];
}

type Answer = { status: number; body?: any };
const ok = (status: number, body?: any): Answer => ({ status, body });
const notFound = (ids: string[]): any => ({ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Object not found.', context: { ids } });
/** Both API families: /crm/v3/objects/... and /crm/objects/2026-03/... (the same for properties). */
const M = /^\/crm\/(?:v3\/objects|objects\/\d{4}-\d{2})\/([^/]+)(?:\/([^/]+))?(?:\/(.+))?$/;
const PROPERTIES = String.raw`^\/crm\/(?:v3\/properties|properties\/\d{4}-\d{2})`;
const CREATE_PROPERTY = new RegExp(`${PROPERTIES}\\/[^/]+$`);
const ONE_PROPERTY = new RegExp(`${PROPERTIES}\\/([^/]+)\\/([^/]+)$`);

/**
 * `send --plan`: sends reads (GETs, searches, batch reads) to HubSpot through the live client and
 * answers writes here, never sending them, so the real actions run unchanged. Each write is
 * recorded as a create or an update (with the values it changes, read from HubSpot first), an
 * association, an event or a property; later reads are answered as if the earlier planned writes
 * had happened (a record the plan created, under a made-up id, is found by later lookups).
 */
export class PlanTransport implements Transport {
  readonly readOnly = true;
  readonly state = new PlanState();
  private readonly fallback = new DryRunTransport();
  private readonly records = new Map<string, PlannedRecordWrite>();
  private readonly log: Omit<PlanLog, 'records'> = { associations: [], events: [], properties: [] };
  private readonly createdProperties = new Set<string>();
  private nextTag: PlanTag | undefined;
  private nextOps: OpSources | undefined;
  /** How many writes were answered here instead of being sent. */
  writesAnswered = 0;

  private readonly checks: Array<Promise<void>> = [];

  /** `onWrite` sees every write's values (the preflight checks them against the portal's definitions). */
  constructor(
    private readonly live: Transport,
    private readonly onWrite?: (w: { on: 'object' | 'event'; owner: string; props: Record<string, unknown>; tag: PlanTag }) => Promise<void>,
    /** The run's API family, for the reads the plan makes of its own. */
    private readonly paths: ApiPaths = apiPaths(),
  ) {}

  close(): void {
    (this.live as Transport & { close?(): void }).close?.();
  }

  /** Waits for the checks of the writes made so far. */
  async drained(): Promise<void> {
    await Promise.all(this.checks);
  }

  private seen(on: 'object' | 'event', owner: string, props: Record<string, unknown>, tag: PlanTag): void {
    if (this.onWrite) this.checks.push(this.onWrite({ on, owner, props, tag }));
  }

  /** Names the lines the next request serves; the pipeline's onRequest calls it just before send. */
  tag(t: PlanTag, ops?: OpSources): void {
    this.nextTag = t;
    this.nextOps = ops;
  }

  plan(): PlanLog {
    return { records: [...this.records.values()], ...this.log };
  }

  async send<T = any>(req: HubSpotRequest): Promise<HubSpotResponse<T>> {
    const tag = new RequestTag(this.nextTag ?? { sources: [], mapping: '', action: '' }, this.nextOps);
    this.nextTag = undefined;
    this.nextOps = undefined;
    const answer = await this.route(req, tag);
    if ('headers' in answer) return answer as HubSpotResponse<T>;
    return { headers: {}, status: answer.status, body: answer.body } as HubSpotResponse<T>;
  }

  private async route(req: HubSpotRequest, tag: RequestTag): Promise<Answer | HubSpotResponse> {
    const p = req.path;
    const m = M.exec(p);
    if (req.method === 'GET') return m ? this.getRecord(req, m[1]!, m[2]) : this.getOther(req);
    if (m && p.endsWith('/search')) return this.search(req, m[1]!);
    if (m && p.endsWith('/batch/read')) return this.batchRead(req, m[1]!);
    if (/\/associations\/[^/]+\/[^/]+\/batch\/read$/.test(p)) return this.live.send(req);
    this.writesAnswered++;
    if (m && m[2] === 'batch') return this.batchWrite(req, m[1]!, m[3]!, tag);
    if (m && req.method === 'POST' && !m[2]) return this.createOne(m[1]!, req.body, tag);
    if (m && req.method === 'PATCH' && m[2] && !m[3]) return this.patchOne(req, m[1]!, decodeURIComponent(m[2]), tag);
    if (p.startsWith('/events/')) return this.events(req, tag);
    if (CREATE_PROPERTY.test(p) && req.method === 'POST') return this.createProperty(req, tag);
    if (p.includes('/associations/')) await this.associations(req, tag);
    return this.fallback.send(req);
  }

  private async getOther(req: HubSpotRequest): Promise<Answer | HubSpotResponse> {
    const prop = ONE_PROPERTY.exec(req.path);
    if (prop && this.createdProperties.has(`${prop[1]}/${decodeURIComponent(prop[2]!)}`)) return ok(200, { name: decodeURIComponent(prop[2]!) });
    return this.live.send(req);
  }

  private async getRecord(req: HubSpotRequest, type: string, rawId?: string): Promise<Answer | HubSpotResponse> {
    if (!rawId || rawId === 'batch') return this.live.send(req);
    const id = decodeURIComponent(rawId);
    const idProperty = req.query?.idProperty ? String(req.query.idProperty) : undefined;
    const local = idProperty ? this.state.findBy(type, idProperty, id) : this.state.get(type, id);
    if (local?.touched) return ok(200, { id: local.id, properties: { ...local.props } });
    if (isMadeUp(id) || (idProperty && this.createdProperties.has(`${type}/${idProperty}`))) return ok(404, notFound([id]));
    const res = await this.live.send(req);
    if (res.status === 200 && res.body?.id) this.state.learn(type, String(res.body.id), asProps(res.body.properties));
    return res;
  }

  private async search(req: HubSpotRequest, type: string): Promise<Answer | HubSpotResponse> {
    const body = (req.body ?? {}) as any;
    const names = (body.filterGroups ?? []).flatMap((g: any) => (g?.filters ?? []).map((f: any) => String(f?.propertyName)));
    // A property the plan creates does not exist yet: HubSpot would refuse to search on it.
    const res = names.some((n: string) => this.createdProperties.has(`${type}/${n}`)) ? { status: 200, body: { total: 0, results: [] }, headers: {} } : await this.live.send(req);
    if (res.status !== 200) return res;
    const results: any[] = [];
    for (const r of res.body?.results ?? []) {
      const rec = this.state.learn(type, String(r.id), asProps(r.properties));
      if (rec.touched && matchesSearch(rec.props, body.filterGroups) === false) continue;
      results.push(rec.touched ? { ...r, properties: { ...r.properties, ...rec.props } } : r);
    }
    const seen = new Set(results.map((r) => String(r.id)));
    for (const rec of this.state.candidates(type, body.filterGroups)) {
      if (rec.touched && !seen.has(rec.id) && matchesSearch(rec.props, body.filterGroups) === true) results.push({ id: rec.id, properties: { ...rec.props } });
    }
    return ok(200, { total: results.length, results });
  }

  private async batchRead(req: HubSpotRequest, type: string): Promise<Answer | HubSpotResponse> {
    const body = (req.body ?? {}) as any;
    const idProperty: string | undefined = body.idProperty;
    const wanted: string[] = (body.inputs ?? []).map((i: any) => String(i.id));
    const results: any[] = [];
    const ask: string[] = [];
    for (const id of wanted) {
      const local = idProperty ? this.state.findBy(type, idProperty, id) : this.state.get(type, id);
      if (local?.touched) results.push({ id: local.id, properties: { ...local.props } });
      else if (!isMadeUp(id)) ask.push(id);
    }
    const missing = wanted.filter((id) => !results.some((r) => (idProperty ? sameValue(idProperty, r.properties[idProperty], id) : r.id === id)));
    const readable = ask.length > 0 && !(idProperty && this.createdProperties.has(`${type}/${idProperty}`));
    if (readable) {
      const res = await this.live.send({ ...req, body: { ...body, inputs: ask.map((id) => ({ id })) } });
      if (res.status >= 300) return res;
      for (const r of res.body?.results ?? []) {
        const rec = this.state.learn(type, String(r.id), asProps(r.properties));
        results.push({ ...r, properties: { ...r.properties, ...rec.props } });
      }
    }
    const found = new Set(results.map((r) => (idProperty ? String(r.properties?.[idProperty] ?? '').toLowerCase() : String(r.id))));
    const still = missing.filter((id) => !found.has(idProperty ? id.toLowerCase() : id));
    return still.length ? ok(207, { status: 'COMPLETE', results, numErrors: 1, errors: [notFound(still)] }) : ok(200, { status: 'COMPLETE', results });
  }

  /** Values a write would change: unknown ones are read from HubSpot first (one request per batch). */
  private async current(type: string, ids: string[], propNames: string[]): Promise<void> {
    const need = ids.filter((id) => !isMadeUp(id) && propNames.some((n) => !(n in (this.state.get(type, id)?.props ?? {}))));
    if (need.length === 0) return;
    const res = await this.live.send({ method: 'POST', path: this.paths.batch(type, 'read'), body: { properties: propNames, inputs: need.map((id) => ({ id })) } });
    for (const r of res.body?.results ?? []) {
      const props = asProps(r.properties);
      for (const n of propNames) if (!(n in props)) props[n] = null;
      this.state.learn(type, String(r.id), props);
    }
  }

  private async batchWrite(req: HubSpotRequest, type: string, op: string, tag: RequestTag): Promise<Answer> {
    const inputs: any[] = (req.body as any)?.inputs ?? [];
    if (op === 'create') return ok(201, { status: 'COMPLETE', results: inputs.map((i, n) => this.created(type, i, tag.of(i, n, inputs.length))) });
    const names = [...new Set(inputs.flatMap((i) => Object.keys(i.properties ?? {})))];
    const resolved = await this.resolveIds(type, inputs, names);
    const results = inputs.map((i, n) => {
      const id = resolved[n];
      const own = tag.of(i, n, inputs.length);
      if (id === undefined) return { ...this.created(type, i, own), new: true };
      return { id, new: false, properties: this.updated(type, id, asProps(i.properties), own), objectWriteTraceId: i.objectWriteTraceId };
    });
    return ok(200, { status: 'COMPLETE', results });
  }

  /** The record each input of an update or upsert names: by id, or by its unique property. */
  private async resolveIds(type: string, inputs: any[], names: string[]): Promise<Array<string | undefined>> {
    const byProp = inputs.filter((i) => i.idProperty);
    if (byProp.length) {
      const idProperty = String(byProp[0].idProperty);
      await this.batchRead({ method: 'POST', path: this.paths.batch(type, 'read'), body: { idProperty, properties: [idProperty, ...names], inputs: byProp.map((i) => ({ id: String(i.id) })) } }, type);
    }
    const ids = inputs.map((i) => (i.idProperty ? this.state.findBy(type, String(i.idProperty), String(i.id))?.id : String(i.id)));
    await this.current(type, ids.filter((x): x is string => x !== undefined), names);
    return ids;
  }

  private created(type: string, input: any, tag: PlanTag): any {
    const props = asProps(input.properties);
    this.seen('object', type, input.properties ?? {}, tag);
    if (input.idProperty) props[String(input.idProperty)] ??= String(input.id);
    const rec = this.state.create(type, props);
    const changes: Record<string, Change> = {};
    for (const [k, v] of Object.entries(props)) if (v !== null && v !== '') changes[k] = { from: null, to: v };
    this.records.set(`${type}/${rec.id}`, { ...tag, kind: 'create', objectType: type, id: rec.id, changes });
    // A create may carry its associations (HubSpot's inline `associations`); the target's type is not named there.
    for (const a of Array.isArray(input.associations) ? input.associations : []) {
      this.log.associations.push({ ...tag, fromType: type, fromId: rec.id, toType: this.typeOf(String(a.to?.id)), toId: String(a.to?.id), types: a.types ?? [] });
    }
    return { id: rec.id, new: true, properties: { ...rec.props }, objectWriteTraceId: input.objectWriteTraceId };
  }

  /** Applies an update and records it; returns the record's values afterwards. */
  private updated(type: string, id: string, props: Props, tag: PlanTag): Props {
    this.seen('object', type, props, tag);
    const changes = this.state.update(type, id, props);
    const key = `${type}/${id}`;
    const prev = this.records.get(key);
    if (!prev) {
      this.records.set(key, { ...tag, kind: Object.keys(changes).length ? 'update' : 'unchanged', objectType: type, id, changes });
    } else {
      for (const [k, c] of Object.entries(changes)) prev.changes[k] = { from: k in prev.changes ? prev.changes[k]!.from : c.from, to: c.to };
      for (const [k, c] of Object.entries(prev.changes)) if (prev.kind !== 'create' && sameValue(k, c.from, c.to)) delete prev.changes[k];
      if (prev.kind !== 'create') prev.kind = Object.keys(prev.changes).length ? 'update' : 'unchanged';
      prev.sources = mergeSources(prev.sources, tag.sources);
    }
    return { ...this.state.get(type, id)!.props };
  }

  /** The type of a record id the plan has seen (made-up or read); `record` when it has not. */
  private typeOf(id: string): string {
    return this.state.typeOfId(id) ?? 'record';
  }

  private createOne(type: string, body: any, tag: RequestTag): Answer {
    const r = this.created(type, body ?? {}, tag.all);
    return ok(201, { id: r.id, properties: r.properties });
  }

  private async patchOne(req: HubSpotRequest, type: string, rawId: string, tag: RequestTag): Promise<Answer> {
    const props = asProps((req.body as any)?.properties);
    const idProperty = req.query?.idProperty ? String(req.query.idProperty) : undefined;
    const input = idProperty ? { id: rawId, idProperty, properties: props } : { id: rawId, properties: props };
    const [id] = await this.resolveIds(type, [input], Object.keys(props));
    if (id === undefined || (isMadeUp(id) && !this.state.get(type, id))) return ok(404, notFound([rawId]));
    return ok(200, { id, properties: this.updated(type, id, props, tag.all) });
  }

  private events(req: HubSpotRequest, tag: RequestTag): Answer {
    const body = (req.body ?? {}) as any;
    const list: any[] = req.path.endsWith('/batch') ? (body.inputs ?? []) : [body];
    list.forEach((e, n) => {
      const own = tag.of(e, n, list.length);
      this.seen('event', String(e.eventName), e.properties ?? {}, own);
      this.log.events.push({ ...own, eventName: String(e.eventName), email: e.email, utk: e.utk, objectId: e.objectId, occurredAt: e.occurredAt, properties: e.properties ?? {} });
    });
    return ok(204);
  }

  private createProperty(req: HubSpotRequest, tag: RequestTag): Answer {
    const type = decodeURIComponent(req.path.split('/')[4]!);
    const name = String((req.body as any)?.name);
    this.createdProperties.add(`${type}/${name}`);
    this.log.properties.push({ ...tag.all, objectType: type, name });
    return ok(201, { ...(req.body as object) });
  }

  private async associations(req: HubSpotRequest, tag: RequestTag): Promise<void> {
    const p = req.path;
    const made: PlannedAssociation[] = [];
    const pair = /\/associations\/(?:\d{4}-\d{2}\/)?([^/]+)\/([^/]+)\/batch\/(?:associate\/default|create)$/.exec(p);
    const one = /\/objects\/(?:\d{4}-\d{2}\/)?([^/]+)\/([^/]+)\/associations\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    if (pair) {
      const inputs: any[] = (req.body as any)?.inputs ?? [];
      inputs.forEach((i, n) => made.push({ ...tag.of(i, n, inputs.length), fromType: pair[1]!, fromId: String(i.from?.id), toType: pair[2]!, toId: String(i.to?.id), types: i.types ?? [] }));
    } else if (one) {
      const types = Array.isArray(req.body) ? req.body : [];
      made.push({ ...tag.all, fromType: one[1]!, fromId: decodeURIComponent(one[2]!), toType: one[3]!, toId: decodeURIComponent(one[4]!), types });
    }
    await this.markExisting(made);
    this.log.associations.push(...made);
  }

  /** Which of these HubSpot already holds, read with one v4 batch read per pair of types. */
  private async markExisting(made: PlannedAssociation[]): Promise<void> {
    const real = made.filter((a) => !isMadeUp(a.fromId) && !isMadeUp(a.toId));
    if (real.length === 0) return;
    const { fromType, toType } = real[0]!;
    const res = await this.live.send({ method: 'POST', path: this.paths.associationsBatchRead(fromType, toType), body: { inputs: [...new Set(real.map((a) => a.fromId))].map((id) => ({ id })) }, budget: 'exempt' });
    if (res.status >= 300) return;
    for (const r of res.body?.results ?? []) {
      for (const a of real) {
        if (String(r.from?.id) !== a.fromId) continue;
        const to = (r.to ?? []).find((t: any) => String(t.toObjectId) === a.toId);
        if (!to) continue;
        const held: any[] = to.associationTypes ?? [];
        a.exists = a.types.length === 0 ? held.length > 0 : a.types.every((t) => held.some((h) => h.category === t.associationCategory && Number(h.typeId) === Number(t.associationTypeId)));
      }
    }
  }
}

/** A request's tag, and the tag of each of its inputs: its op's lines (RequestTag.of). */
class RequestTag {
  constructor(
    readonly all: PlanTag,
    private readonly ops?: OpSources,
  ) {}

  /**
   * The tag of input `n` of `count`: the op whose id it carries as objectWriteTraceId (CRM batch
   * writes), else the op at its place when the request has one input per op (event sends,
   * association batches: the actions give their ops in input order); else the whole request's.
   */
  of(input: any, n: number, count: number): PlanTag {
    if (!this.ops) return this.all;
    let at = input?.objectWriteTraceId !== undefined ? this.ops.ids.indexOf(String(input.objectWriteTraceId)) : -1;
    if (at < 0 && count === this.ops.ids.length) at = n;
    return at < 0 ? this.all : { ...this.all, sources: this.ops.sourcesAt(at) };
  }
}

function mergeSources(a: PlanTag['sources'], b: PlanTag['sources']): PlanTag['sources'] {
  const seen = new Set(a.map((s) => `${s.file}:${s.line}`));
  return [...a, ...b.filter((s) => !seen.has(`${s.file}:${s.line}`))];
}
