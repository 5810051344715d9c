import { closest } from './problems.js';
import { segmentCore } from './segment-libs.js';

export interface DirectiveProblem {
  /** JSON pointer segments below the field, e.g. ['@if', 'then']. */
  pointer: string[];
  message: string;
  hint?: string;
  /** 0-based offset inside the string at `pointer` (a template's text), when known. */
  column?: number;
}

/** mapping-kit's directives (its value-keys.ts list), for "did you mean" hints. */
export const DIRECTIVE_NAMES = ['@if', '@path', '@template', '@literal', '@arrayPath', '@case', '@replace', '@json', '@flatten', '@merge', '@transform', '@excludeWhenNull', '@liquid'];

const DIRECTIVES_HINT = "see Segment's mapping directives: @path, @if, @template, @case, @replace, @arrayPath, @merge, @json, @flatten, @literal, @liquid";

/**
 * Checks a field's mapping with mapping-kit's own validator, which throws one error listing every
 * problem as "ValidationError: /ptr message" lines; they are split back out with their pointers.
 * Then what the validator lets through and every event would trip on: templates and Liquid.
 */
export function checkDirectives(fieldKey: string, value: unknown): DirectiveProblem[] {
  const found = validatorProblems(fieldKey, value);
  return found.length ? found : checkStrings(value);
}

function validatorProblems(fieldKey: string, value: unknown): DirectiveProblem[] {
  try {
    segmentCore().validateMapping({ [fieldKey]: value });
    return [];
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const out: DirectiveProblem[] = [];
    for (const m of text.matchAll(/ValidationError: (\/\S*) (.*)/g)) {
      const pointer = m[1]!.split('/').slice(2).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const message = `${m[1]!.slice(1)} ${m[2]!.trim()}`;
      out.push({ pointer, message, hint: directiveHint(message) });
    }
    return out.length ? out : [{ pointer: [], message: text.trim(), hint: DIRECTIVES_HINT }];
  }
}

function directiveHint(message: string): string {
  const typo = /invalid directive: (@\S+?)\.?$/.exec(message)?.[1];
  const near = typo ? closest(typo, DIRECTIVE_NAMES) : undefined;
  return near ? `did you mean "${near}"? ${DIRECTIVES_HINT}` : DIRECTIVES_HINT;
}

/** Walks a field's value for `@template` and `@liquid` strings, with their pointers. */
function checkStrings(value: unknown, pointer: string[] = []): DirectiveProblem[] {
  if (value === null || typeof value !== 'object') return [];
  const out: DirectiveProblem[] = [];
  for (const [key, v] of Object.entries(value)) {
    const here = [...pointer, key];
    if (key === '@template' && typeof v === 'string') out.push(...templateProblems(v, here));
    else if (key === '@liquid' && typeof v === 'string') out.push(...liquidProblems(v, here));
    else out.push(...checkStrings(v, here));
  }
  return out;
}

/**
 * mapping-kit's @template replaces `{{{path}}}` and `{{path}}` and leaves anything else as it is,
 * so an unclosed `{{` would reach HubSpot as literal text on every event.
 */
function templateProblems(template: string, pointer: string[]): DirectiveProblem[] {
  const blank = (m: string) => ' '.repeat(m.length);
  const rest = template.replace(/\{\{\{([^}]+)\}\}\}/g, blank).replace(/\{\{([^}]+)\}\}/g, blank);
  const at = rest.indexOf('{{');
  if (at < 0) return [];
  return [
    {
      pointer,
      column: at,
      message: `@template has an unclosed "{{" at column ${at + 1} of the template, which would be sent as literal text`,
      hint: 'close it as {{path}}, e.g. "Order {{properties.order_id}}"; a template gives "" for a path the event lacks',
    },
  ];
}

/**
 * Segment's Liquid sandbox disables some tags and filters (actions-core's liquid-directive.ts).
 * Parsing with its own engine finds the tags and syntax errors; rendering once over an empty event
 * finds the disabled filters, whose error only appears at render time.
 */
function liquidProblems(template: string, pointer: string[]): DirectiveProblem[] {
  const liquid = segmentCore().liquid;
  const hint = 'Segment\'s Liquid sandbox disables the tags case, for, include, layout, render and tablerow, and filters such as sort, map, where_exp; use @if/@case directives instead';
  if (template.length > 1000) return [{ pointer, message: "@liquid templates are limited to 1000 characters (Segment's limit)" }];
  const problem = (err: unknown): DirectiveProblem[] => {
    const text = err instanceof Error ? err.message : String(err);
    const col = /col:(\d+)/.exec(text)?.[1];
    const why = /is disabled/.test(text) ? hint : 'see the Liquid syntax at liquidjs.com; mapping-kit runs liquidjs';
    return [{ pointer, message: `@liquid: ${text.replace(/, line:\d+, col:\d+$/, '')}`, hint: why, column: col ? Number(col) - 1 : undefined }];
  };
  try {
    liquid.parse(template);
  } catch (err) {
    return problem(err);
  }
  try {
    liquid.render(template);
  } catch (err) {
    // Other render errors depend on the event; only the sandbox's refusals are certain.
    if (/is disabled/.test(err instanceof Error ? err.message : String(err))) return problem(err);
  }
  return [];
}

/** True when a mapping value holds no directive anywhere: a literal, known before any event. */
export function isLiteral(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(isLiteral);
  return Object.entries(value).every(([k, v]) => !k.startsWith('@') && isLiteral(v));
}

/**
 * True when a mapped value may come out empty or missing for some event: a `@path` the event may
 * lack, a template that is only placeholders, an `@if` with no `else`. Literals with text never do.
 */
export function mayBeMissing(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.length === 0;
  const v = value as Record<string, unknown>;
  if (typeof v['@template'] === 'string') return v['@template'].replace(/\{\{\{?[^}]+\}\}\}?/g, '').trim() === '';
  if ('@literal' in v) return mayBeMissing(v['@literal']);
  if (v['@if'] && typeof v['@if'] === 'object') {
    const branches = v['@if'] as Record<string, unknown>;
    return !('else' in branches) || mayBeMissing(branches.then) || mayBeMissing(branches.else);
  }
  return Object.keys(v).some((k) => k.startsWith('@'));
}
