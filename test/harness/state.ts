/**
 * A portal's final state without HubSpot's ids, so two runs can be compared: every record by its
 * natural key (contact email, company segment_group_id or domain, deal name, else its properties),
 * every association by the natural keys of its two ends and its label, every behavioral event.
 * Counts are kept, so a duplicate shows as a count of 2.
 */
export interface NormalState {
  /** "type|key" → the record's properties (JSON), one entry per record holding that key. */
  records: Map<string, string[]>;
  /** "fromType:key>toType:key|CATEGORY:typeId" → how many. */
  associations: Map<string, number>;
  /** "eventName|uuid|email|occurredAt|properties" → how many. */
  events: Map<string, number>;
}

const NATURAL_KEY: Record<string, (p: Record<string, string>) => string | undefined> = {
  contacts: (p) => p.email?.toLowerCase(),
  companies: (p) => (p.segment_group_id ? `gid=${p.segment_group_id}` : p.domain ? `domain=${p.domain}` : undefined),
  deals: (p) => p.dealname,
};

const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export function normalise(dump: any): NormalState {
  const records = new Map<string, string[]>();
  const keyOf = new Map<string, string>();
  for (const [type, list] of Object.entries<any[]>(dump.records ?? {})) {
    for (const r of list) {
      const props = r.properties as Record<string, string>;
      const key = `${type}|${NATURAL_KEY[type]?.(props) ?? JSON.stringify(props)}`;
      keyOf.set(`${type}|${r.id}`, key);
      const all = records.get(key) ?? [];
      all.push(JSON.stringify(props));
      all.sort();
      records.set(key, all);
    }
  }
  const associations = new Map<string, number>();
  for (const [fromType, fromId, toType, toId, label] of dump.associations ?? []) {
    const from = keyOf.get(`${fromType}|${fromId}`) ?? `${fromType}|#${fromId}`;
    const to = keyOf.get(`${toType}|${toId}`) ?? `${toType}|#${toId}`;
    count(associations, `${from}>${to}|${label}`);
  }
  const events = new Map<string, number>();
  for (const e of dump.events ?? []) {
    const objectKey = e.objectId ? keyOf.get(`contacts|${e.objectId}`) ?? `#${e.objectId}` : '';
    count(events, [e.eventName, e.uuid ?? '', e.email ?? '', e.utk ?? '', objectKey, e.occurredAt, JSON.stringify(e.properties ?? {})].join('|'));
  }
  return { records, associations, events };
}

export interface StateDiff {
  equal: boolean;
  /** Items of the reference missing or different here: records, associations, events. */
  lost: number;
  /** Items here beyond the reference: extra records with a key, extra associations, extra events. */
  duplicated: number;
  /** The first differences, for people. */
  examples: string[];
}

/** How `got` differs from the reference `ref`. */
export function diffStates(ref: NormalState, got: NormalState, maxExamples = 12): StateDiff {
  let lost = 0;
  let duplicated = 0;
  // A few examples of each kind of difference, so one kind cannot hide the others.
  const byKind = new Map<string, string[]>();
  const note = (s: string, kind: string) => {
    const list = byKind.get(kind) ?? [];
    if (list.length < Math.max(2, Math.floor(maxExamples / 4))) list.push(s);
    byKind.set(kind, list);
  };

  for (const key of new Set([...ref.records.keys(), ...got.records.keys()])) {
    const a = ref.records.get(key) ?? [];
    const b = got.records.get(key) ?? [];
    if (b.length > a.length) {
      duplicated += b.length - a.length;
      note(`record ${key}: ${b.length} here, ${a.length} in the reference`, 'record extra');
    } else if (b.length < a.length) {
      lost += a.length - b.length;
      note(`record ${key}: ${b.length} here, ${a.length} in the reference`, 'record missing');
    }
    // Same key, different properties: the effect of some event is missing (or came out of order).
    const unmatched = [...b];
    const refOnly: string[] = [];
    for (const p of a) {
      const i = unmatched.indexOf(p);
      if (i >= 0) unmatched.splice(i, 1);
      else refOnly.push(p);
    }
    const differing = Math.min(refOnly.length, unmatched.length);
    if (differing > 0) {
      lost += differing;
      note(`record ${key}: reference ${refOnly[0]}, here ${unmatched[0]}`, 'record differs');
    }
  }
  for (const [kind, x, y] of [['association', ref.associations, got.associations], ['event', ref.events, got.events]] as const) {
    for (const key of new Set([...x.keys(), ...y.keys()])) {
      const a = x.get(key) ?? 0;
      const b = y.get(key) ?? 0;
      if (b > a) {
        duplicated += b - a;
        note(`${kind} ${key}: ${b} here, ${a} in the reference`, `${kind} extra`);
      } else if (b < a) {
        lost += a - b;
        note(`${kind} ${key}: ${b} here, ${a} in the reference`, `${kind} missing`);
      }
    }
  }
  const examples = [...byKind.values()].flat();
  return { equal: lost === 0 && duplicated === 0, lost, duplicated, examples };
}

export function stateSize(s: NormalState): { records: number; associations: number; events: number } {
  let records = 0;
  for (const v of s.records.values()) records += v.length;
  const sum = (m: Map<string, number>) => [...m.values()].reduce((n, v) => n + v, 0);
  return { records, associations: sum(s.associations), events: sum(s.events) };
}
