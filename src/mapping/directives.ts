import { segmentCore } from './segment-libs.js';

export interface DirectiveProblem {
  /** JSON pointer segments below the field, e.g. ['@if', 'then']. */
  pointer: string[];
  message: string;
}

/**
 * Checks a field's mapping with mapping-kit's own validator, which throws one error listing every
 * problem as "ValidationError: /ptr message" lines; they are split back out with their pointers.
 */
export function checkDirectives(fieldKey: string, value: unknown): DirectiveProblem[] {
  try {
    segmentCore().validateMapping({ [fieldKey]: value });
    return [];
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const out: DirectiveProblem[] = [];
    for (const m of text.matchAll(/ValidationError: (\/\S*) (.*)/g)) {
      const pointer = m[1]!.split('/').slice(2).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      out.push({ pointer, message: `${m[1]!.slice(1)} ${m[2]!.trim()}` });
    }
    return out.length ? out : [{ pointer: [], message: text.trim() }];
  }
}

/** True when a mapping value holds no directive anywhere: a literal, known before any event. */
export function isLiteral(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(isLiteral);
  return Object.entries(value).every(([k, v]) => !k.startsWith('@') && isLiteral(v));
}
