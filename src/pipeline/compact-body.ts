/**
 * A request body as a person checking a mapping reads it: one `key: value` line per value instead of
 * indented JSON, the record's properties without their `properties.` prefix, a search as its filter,
 * an association as its target and label. Long lists are cut: the JSON view (`--dry-run` without
 * `--pretty`) has them whole.
 */
export function compactBody(body: unknown, maxItems = 10): string[] {
  const out: string[] = [];
  walk(body, '', out, maxItems);
  return out;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value on one line: plain text as it is, anything else (or text with line breaks) as JSON. */
export function scalar(v: unknown): string {
  return typeof v === 'string' && v !== '' && !/[\r\n]/.test(v) ? v : JSON.stringify(v) ?? String(v);
}

function walk(v: unknown, path: string, out: string[], maxItems: number): void {
  if (Array.isArray(v)) return walkList(v, path, out, maxItems);
  if (!isObject(v)) {
    out.push(path ? `${path}: ${scalar(v)}` : scalar(v));
    return;
  }
  const at = (k: string) => (path ? `${path}.${k}` : k);
  for (const [k, child] of Object.entries(v)) {
    // HubSpot's own bookkeeping, not something the mapping decides.
    if (k === 'objectWriteTraceId' || child === undefined) continue;
    if (k === 'properties' && isObject(child)) walk(child, path, out, maxItems);
    else if (k === 'filterGroups' && Array.isArray(child)) out.push(`${at('search')}: ${searchText(child, maxItems)}`);
    else if (k === 'associations' && Array.isArray(child)) walkAssociations(child, at('associate'), out);
    else walk(child, at(k), out, maxItems);
  }
  if (Object.keys(v).length === 0) out.push(path ? `${path}: {}` : '{}');
}

function walkList(list: unknown[], path: string, out: string[], maxItems: number): void {
  if (list.length === 0) return void out.push(`${path || '[]'}: (none)`);
  if (list.every(isLabel)) return void out.push(`${path || 'types'}: ${list.map(labelText).join(', ')}`);
  const shown = list.slice(0, maxItems);
  const more = list.length > shown.length ? ` … and ${list.length - shown.length} more` : '';
  if (shown.every((x) => !isObject(x) && !Array.isArray(x))) return void out.push(`${path}: ${shown.map(scalar).join(', ')}${more}`);
  // A list of one-key objects (a batch read's `{ id }` inputs) reads best as the list of values.
  if (shown.every((x) => isObject(x) && Object.keys(x).length === 1 && !isObject(Object.values(x)[0]))) {
    const key = Object.keys(shown[0] as Json)[0]!;
    if (shown.every((x) => Object.keys(x as Json)[0] === key)) return void out.push(`${path ? `${path}.` : ''}${key}: ${shown.map((x) => scalar((x as Json)[key])).join(', ')}${more}`);
  }
  shown.forEach((x, i) => walk(x, `${path}[${i}]`, out, maxItems));
  if (more) out.push(`${path}:${more}`);
}

const isLabel = (x: unknown): x is { associationCategory?: string; associationTypeId?: number } => isObject(x) && 'associationTypeId' in x && Object.keys(x).every((k) => k === 'associationCategory' || k === 'associationTypeId');
const labelText = (x: { associationCategory?: string; associationTypeId?: number }) => `${x.associationCategory ?? '?'}:${x.associationTypeId ?? '?'}`;

function walkAssociations(list: unknown[], path: string, out: string[]): void {
  if (list.length === 0) return void out.push(`${path}: (none)`);
  for (const a of list) {
    const to = isObject(a) && isObject(a.to) ? a.to.id : undefined;
    const types = isObject(a) && Array.isArray(a.types) ? a.types.filter(isLabel).map(labelText).join(', ') : '';
    out.push(`${path}: ${scalar(to)}${types ? ` (${types})` : ''}`);
  }
}

/** Segment's searches: filters in a group must all match, any group may. */
function searchText(groups: unknown[], maxItems: number): string {
  const list = (vs: unknown[]) => vs.slice(0, maxItems).map(scalar).join(', ') + (vs.length > maxItems ? ` … and ${vs.length - maxItems} more` : '');
  const filter = (f: unknown) => {
    if (!isObject(f)) return scalar(f);
    const values = Array.isArray(f.values) ? `(${list(f.values)})` : f.value !== undefined ? scalar(f.value) : '';
    return `${scalar(f.propertyName)} ${scalar(f.operator)}${values ? ` ${values}` : ''}`;
  };
  return groups.map((g) => (isObject(g) && Array.isArray(g.filters) ? g.filters.map(filter).join(' and ') : scalar(g))).join(' or ');
}
