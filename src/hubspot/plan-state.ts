/**
 * What `send --plan` knows of the portal as its planned writes would leave it: values read from
 * HubSpot, overlaid with the writes answered locally, per record. A record the plan "created" has a
 * made-up id (`new-contacts-1`), as in the dry-run.
 */
export type Props = Record<string, string | null>;

export interface RecordState {
  type: string;
  id: string;
  /** Values known: read from HubSpot or written by the plan. A property missing here is unknown. */
  props: Props;
  created: boolean;
  /** Written by the plan (created or updated). */
  touched: boolean;
}

export const isMadeUp = (id: string): boolean => id.startsWith('new-');

export class PlanState {
  private readonly byType = new Map<string, Map<string, RecordState>>();
  /**
   * Per type and property, the records holding each value (lower-cased), built the first time a
   * lookup or search asks for that property and kept up to date by every write after: a plan of a
   * backfill looks records up per input, and a scan of every record per lookup made it quadratic.
   */
  private readonly byValue = new Map<string, Map<string, Map<string, Set<RecordState>>>>();
  /** Insertion order, so a lookup that several records answer picks the one a scan would. */
  private readonly order = new WeakMap<RecordState, number>();
  private counter = 0;
  private seq = 0;

  get(type: string, id: string): RecordState | undefined {
    return this.byType.get(type)?.get(id);
  }

  typeOfId(id: string): string | undefined {
    for (const [type, m] of this.byType) if (m.has(id)) return type;
    return undefined;
  }

  records(type: string): RecordState[] {
    return [...(this.byType.get(type)?.values() ?? [])];
  }

  /** Remembers values read from HubSpot without overwriting what the plan wrote. */
  learn(type: string, id: string, props: Props): RecordState {
    const rec = this.ensure(type, id);
    for (const [k, v] of Object.entries(props)) if (!(k in rec.props) || !rec.touched) this.set(rec, k, v ?? null);
    return rec;
  }

  create(type: string, props: Props): RecordState {
    const id = `new-${type}-${++this.counter}`;
    const rec = this.ensure(type, id);
    rec.created = true;
    rec.touched = true;
    for (const [k, v] of Object.entries(props)) this.set(rec, k, v);
    return rec;
  }

  /** Applies a planned update; returns the values it changes (old → new), none when nothing changes. */
  update(type: string, id: string, props: Props): Record<string, { from: string | null; to: string | null }> {
    const rec = this.ensure(type, id);
    const changes: Record<string, { from: string | null; to: string | null }> = {};
    for (const [k, v] of Object.entries(props)) {
      const from = rec.props[k] ?? null;
      if (!sameValue(k, from, v)) changes[k] = { from, to: v };
      this.set(rec, k, v);
    }
    rec.touched = true;
    return changes;
  }

  /** The record holding `value` in `prop` (case-insensitive, as HubSpot's unique lookups are). */
  findBy(type: string, prop: string, value: string): RecordState | undefined {
    return first(this.holding(type, prop, value.toLowerCase()), this.order);
  }

  /**
   * The records that may match a search, in insertion order: those holding a value one of its EQ or
   * IN filters asks for, group by group (a record matching a group holds that group's value); every
   * record when a group has no such filter.
   */
  candidates(type: string, filterGroups: any[]): RecordState[] {
    const out = new Set<RecordState>();
    for (const g of filterGroups ?? []) {
      const f = ((g?.filters ?? []) as any[]).find((x) => (x?.operator === 'EQ' && x.value !== undefined) || (x?.operator === 'IN' && Array.isArray(x.values)));
      if (!f) return this.records(type);
      const values: unknown[] = f.operator === 'EQ' ? [f.value] : f.values;
      for (const v of values) for (const rec of this.holding(type, String(f.propertyName ?? ''), String(v).toLowerCase()) ?? []) out.add(rec);
    }
    return [...out].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  private holding(type: string, prop: string, lower: string): Set<RecordState> | undefined {
    let types = this.byValue.get(type);
    if (!types) this.byValue.set(type, (types = new Map()));
    let index = types.get(prop);
    if (!index) {
      types.set(prop, (index = new Map()));
      for (const rec of this.byType.get(type)?.values() ?? []) add(index, rec.props[prop], rec);
    }
    return index.get(lower);
  }

  /** Every write of a value goes through here, so the value indexes stay true. */
  private set(rec: RecordState, prop: string, value: string | null): void {
    const index = this.byValue.get(rec.type)?.get(prop);
    if (index) {
      const old = rec.props[prop];
      if (typeof old === 'string') {
        const held = index.get(old.toLowerCase());
        held?.delete(rec);
        if (held?.size === 0) index.delete(old.toLowerCase());
      }
      add(index, value, rec);
    }
    rec.props[prop] = value;
  }

  private ensure(type: string, id: string): RecordState {
    let m = this.byType.get(type);
    if (!m) this.byType.set(type, (m = new Map()));
    let rec = m.get(id);
    if (!rec) {
      m.set(id, (rec = { type, id, props: {}, created: false, touched: false }));
      this.order.set(rec, this.seq++);
    }
    return rec;
  }
}

function add(index: Map<string, Set<RecordState>>, value: string | null | undefined, rec: RecordState): void {
  if (typeof value !== 'string') return;
  const lower = value.toLowerCase();
  let held = index.get(lower);
  if (!held) index.set(lower, (held = new Set()));
  held.add(rec);
}

function first(records: Set<RecordState> | undefined, order: WeakMap<RecordState, number>): RecordState | undefined {
  let best: RecordState | undefined;
  for (const r of records ?? []) if (!best || order.get(r)! < order.get(best)!) best = r;
  return best;
}

/** HubSpot keeps values as strings: 12.50 and 12.5 are one number, emails are kept lower-cased. */
export function sameValue(prop: string, a: string | null | undefined, b: string | null | undefined): boolean {
  const x = a ?? '';
  const y = b ?? '';
  if (x === y) return true;
  if (x.trim() !== '' && y.trim() !== '' && Number.isFinite(Number(x)) && Number.isFinite(Number(y))) return Number(x) === Number(y);
  return prop.includes('email') && x.toLowerCase() === y.toLowerCase();
}

/** String values as HubSpot stores them; null and '' clear a property. */
export function asProps(obj: unknown): Props {
  const out: Props = {};
  if (!obj || typeof obj !== 'object') return out;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) out[k] = v === null || v === undefined ? null : String(v);
  return out;
}

/**
 * Whether a record matches a search's filter groups (groups OR, filters AND), judged on the values
 * known; undefined when a filter names a property whose value the plan does not know.
 */
export function matchesSearch(props: Props, filterGroups: any[]): boolean | undefined {
  let unknown = false;
  for (const g of filterGroups ?? []) {
    let all: boolean | undefined = true;
    for (const f of g?.filters ?? []) {
      const r = matchesFilter(props, f);
      if (r === false) {
        all = false;
        break;
      }
      if (r === undefined) all = undefined;
    }
    if (all === true) return true;
    if (all === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

function matchesFilter(props: Props, f: any): boolean | undefined {
  const name = String(f?.propertyName ?? '');
  if (!(name in props)) return undefined;
  const v = props[name];
  const has = v !== null && v !== undefined && v !== '';
  const eq = (x: unknown) => has && String(x).toLowerCase() === v!.toLowerCase();
  switch (f?.operator) {
    case 'EQ':
      return eq(f.value);
    case 'NEQ':
      return !eq(f.value);
    case 'IN':
      return Array.isArray(f.values) && f.values.some(eq);
    case 'NOT_IN':
      return !(Array.isArray(f.values) && f.values.some(eq));
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    default:
      return undefined;
  }
}
