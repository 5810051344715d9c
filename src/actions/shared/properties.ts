/**
 * Segment's `flattenObject` (hubspot/utils.ts): HubSpot properties are strings, so arrays become
 * `;`-joined lists (HubSpot's multi-checkbox format), objects become JSON, strings are trimmed and
 * null/undefined are dropped. Beyond Segment, numbers and booleans are sent as their string forms
 * (`99.5` → "99.5", `true` → "true"): HubSpot's specs type every CRM and event property value as a
 * string. Numbers too large for a double arrive here already as exact strings (json-guard).
 */
export function flattenObject(obj: Record<string, unknown> | undefined | null): Record<string, unknown> | undefined | null {
  if (obj === undefined || obj === null) return obj;
  const out: Record<string, unknown> = {};
  // By key, not Object.entries: a [key, value] array per property was a good part of a plan's garbage.
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      out[key] = value.map((item) => (typeof item === 'object' && item !== null ? JSON.stringify(item) : item)).join(';');
    } else if (typeof value === 'object') {
      out[key] = JSON.stringify(value);
    } else if (typeof value === 'string') {
      out[key] = value.trim();
    } else {
      out[key] = propertyString(value);
    }
  }
  return out;
}

/** A scalar property value as HubSpot stores it: numbers and booleans as their string forms. */
export function propertyString(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : value;
}

/** Drops keys whose value is undefined, as JSON serialisation would, keeping key order. */
export function definedOnly<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v !== undefined) out[k] = v;
  }
  return out as Partial<T>;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `definedOnly({ ...standard, ...custom })` without the merged copy in between: a custom value
 * replaces a standard one in its place, other custom keys follow, undefined values are dropped.
 */
export function definedMerge(standard: Record<string, unknown>, custom: Record<string, unknown> | undefined | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(standard)) {
    const v = custom && hasOwn.call(custom, k) ? custom[k] : standard[k];
    if (v !== undefined) out[k] = v;
  }
  if (custom) {
    for (const k of Object.keys(custom)) {
      if (hasOwn.call(standard, k)) continue;
      const v = custom[k];
      if (v !== undefined) out[k] = v;
    }
  }
  return out;
}
