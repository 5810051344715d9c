import type { PortalProperty } from '../hubspot/portal.js';

const MAX_OPTIONS_SHOWN = 12;

/** Why HubSpot would refuse `value` for `def`, or undefined when it would take it. '' clears any property. */
export function valueProblem(def: PortalProperty, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const value = def.name === 'lifecyclestage' && typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (text === '') return undefined;
  switch (def.type) {
    case 'enumeration':
      return enumProblem(def, text);
    case 'number':
      return Number.isFinite(Number(text)) && text.trim() !== '' ? undefined : `"${text}" is not a number (${def.name} is a number property)`;
    case 'bool':
      return /^(true|false)$/i.test(text) ? undefined : `"${text}" is not true or false (${def.name} is a boolean property)`;
    case 'date':
      return dateProblem(def, value, text);
    case 'datetime':
      return toDate(value) ? undefined : `"${text}" is not a date-time (${def.name} takes ISO 8601 or milliseconds since 1970)`;
    default:
      return undefined;
  }
}

function enumProblem(def: PortalProperty, text: string): string | undefined {
  const values = def.options.map((o) => o.value);
  const given = def.fieldType === 'checkbox' ? text.split(';').map((s) => s.trim()).filter(Boolean) : [text];
  const bad = given.filter((g) => !values.includes(g));
  if (bad.length === 0) return undefined;
  const shown = values.slice(0, MAX_OPTIONS_SHOWN).join(', ') + (values.length > MAX_OPTIONS_SHOWN ? `, … (${values.length} in all)` : '');
  return `${bad.map((b) => `"${b}"`).join(', ')} ${bad.length === 1 ? 'is not an option' : 'are not options'} of ${def.name}; its options: ${shown || 'none'}`;
}

function dateProblem(def: PortalProperty, value: unknown, text: string): string | undefined {
  const d = toDate(value);
  if (!d) return `"${text}" is not a date (${def.name} takes YYYY-MM-DD or midnight UTC in milliseconds)`;
  if (d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() || d.getUTCMilliseconds()) {
    return `"${text}" is not midnight UTC; HubSpot refuses it for the date property ${def.name} (send ${d.toISOString().slice(0, 10)} instead)`;
  }
  return undefined;
}

function toDate(value: unknown): Date | undefined {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))) {
    const d = new Date(Number(value));
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return undefined;
  const d = new Date(value.trim().length === 10 ? `${value.trim()}T00:00:00Z` : value.trim());
  return Number.isNaN(d.getTime()) ? undefined : d;
}
