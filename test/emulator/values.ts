import type { PropertyProblem } from './errors.js';
import type { PropertyDef } from './property-defs.js';

const DAY_MS = 86_400_000;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const timeOfDay = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** Epoch milliseconds or an ISO-8601 string; NaN when neither. */
function parseInstant(v: string): number {
  if (/^-?\d+$/.test(v)) return Number(v);
  return /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
}

export type Checked = { ok: string } | { problem: PropertyProblem };

const problem = (name: string, code: string, message: string): Checked => ({ problem: { name, code, message } });

/**
 * Validates one non-empty value against its definition and returns the stored form. Messages
 * follow the codes HubSpot is known to send (INVALID_OPTION, INVALID_DATE, INVALID_EMAIL,
 * INVALID_LONG); the exact texts of some are guesses, see the report.
 */
export function checkValue(def: PropertyDef, value: string, isContactEmail: boolean): Checked {
  const { name } = def;
  if (isContactEmail) {
    const email = value.trim().toLowerCase();
    return EMAIL.test(email) ? { ok: email } : problem(name, 'INVALID_EMAIL', `Email address ${value} is invalid`);
  }
  switch (def.type) {
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? { ok: value.trim() } : problem(name, 'INVALID_LONG', `${value} was not a valid long.`);
    case 'bool': {
      const b = value.toLowerCase();
      return b === 'true' || b === 'false' ? { ok: b } : problem(name, 'INVALID_BOOLEAN', `${value} was not a valid boolean.`);
    }
    case 'date': {
      if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) return { ok: value };
      const ms = parseInstant(value);
      if (Number.isNaN(ms)) return problem(name, 'INVALID_DATE', `${value} is not a valid date.`);
      if (ms % DAY_MS !== 0) return problem(name, 'INVALID_DATE', `${value} is at ${timeOfDay(ms)} UTC, not midnight!`);
      return { ok: new Date(ms).toISOString().slice(0, 10) };
    }
    case 'datetime': {
      const ms = parseInstant(value);
      return Number.isNaN(ms) ? problem(name, 'INVALID_DATE', `${value} is not a valid datetime.`) : { ok: new Date(ms).toISOString() };
    }
    case 'enumeration': {
      const allowed = def.options.map((o) => o.value);
      const parts = def.fieldType === 'checkbox' ? value.split(';') : [value];
      const bad = parts.find((p) => !allowed.includes(p));
      return bad === undefined ? { ok: value } : problem(name, 'INVALID_OPTION', `${bad} was not one of the allowed options: [${allowed.join(', ')}]`);
    }
    default:
      return { ok: value };
  }
}

/**
 * HubSpot's property map is Map<String,String>: numbers and booleans are coerced, objects and
 * arrays are a JSON error. null clears like "".
 */
export function coerce(v: unknown): string | undefined {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
