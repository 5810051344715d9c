import { type JsonSchema, segmentCore } from './segment-libs.js';

/**
 * actions-core's removeEmptyValues (3.170), giving the same result: that one copies each object
 * with properties in its schema and then deletes keys from the copy, asks for every value's type
 * as a string it builds (`Object.prototype.toString…toLowerCase()`) and makes an array of the
 * schema's type to search it; per event that was as much garbage as the mapping itself. This one
 * builds the copy with only the keys kept, in the same order, and tests types without strings.
 * An object it cannot copy the same way (an own `__proto__` key, symbol keys) goes to Segment's.
 * test/unit/compile-mapping.test.ts runs both over generated payloads and compares.
 */
export function removeEmptyValues(obj: unknown, schema: JsonSchema = {}, isRoot = false): unknown {
  if (!schema.type && !schema.enum) return obj;
  if (Array.isArray(obj)) {
    if (!schema.items) return obj;
    return obj.filter((item) => removeEmptyValues(item, schema.items) !== undefined);
  }
  if (isPlainObject(obj)) {
    if (!schema.properties) return obj;
    if (hasOwn.call(obj, '__proto__') || Object.getOwnPropertySymbols(obj).length > 0) return segmentCore().removeEmptyValues(obj, schema, isRoot);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      const v = removeEmptyValues(obj[key], schema.properties[key]);
      if (v === undefined || (v === '' && isRoot)) continue;
      out[key] = v;
    }
    return out;
  }
  const type = schema.type;
  if (obj === null && !typeIncludes(type, 'null')) return undefined;
  if (obj === '' && !typeIncludes(type, 'string')) return undefined;
  return obj;
}

const hasOwn = Object.prototype.hasOwnProperty;
const toString = Object.prototype.toString;

/** Segment's `realTypeOf(v) === 'object'`, without making the type's name for the common cases. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
  return toString.call(v) === '[object Object]' || segmentCore().kit.realTypeOf(v) === 'object';
}

/** `arrify(type).includes(name)`: no type is none, an array is itself, anything else is one. */
function typeIncludes(type: unknown, name: string): boolean {
  if (type === undefined || type === null) return false;
  return Array.isArray(type) ? type.includes(name) : type === name;
}
