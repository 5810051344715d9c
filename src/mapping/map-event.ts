import type { Mapping } from './types.js';
import { segmentCore } from './segment-libs.js';
import { type CompiledFields, compileFields } from './compile.js';
import { removeEmptyValues } from './remove-empty.js';

/** One thing wrong with a mapped payload, at its field when known. */
export interface PayloadProblem {
  field?: string;
  message: string;
}

export type Mapped = { ok: true; payload: Record<string, unknown> } | { ok: false; message: string; field?: string; problems: PayloadProblem[] };

/**
 * Segment's per-event steps, in Segment's order: mapping-kit transform, removal of empty root
 * values, then validation (with type coercion) against the action's schema, giving Segment's
 * own messages ("The root value is missing the required field 'email'.").
 */
export function mapEvent(mapping: Mapping, event: unknown): Mapped {
  const core = segmentCore();
  let payload: Record<string, unknown>;
  try {
    const compiled = compiledFor(mapping);
    payload = compiled ? compiled(event) : core.transform(mapping.fields, event);
  } catch (err) {
    const message = `mapping failed: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, message, problems: [{ message }] };
  }
  payload = removeEmptyValues(payload, mapping.schema, true) as Record<string, unknown>;
  try {
    core.validateSchema(payload, mapping.schema, { schemaKey: `hubspot-actions:${mapping.action.name}` });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const each = (err as { errors?: Array<{ pointer?: string; message?: string }> }).errors ?? [];
    const problems = each.map((e) => ({ field: e.pointer ? e.pointer.split('/').filter(Boolean)[0] : missingField(e.message), message: e.message ?? message }));
    const field = problems[0]?.field ?? missingField(message);
    return { ok: false, message, field, problems: problems.length ? problems : [{ field, message }] };
  }
  return { ok: true, payload };
}

const compiledMappings = new WeakMap<Mapping, CompiledFields | null>();

/** The mapping's fields compiled once (src/mapping/compile.ts), or null where mapping-kit runs them. */
function compiledFor(mapping: Mapping): CompiledFields | null {
  let c = compiledMappings.get(mapping);
  if (c === undefined) {
    c = compileFields(mapping.fields) ?? null;
    compiledMappings.set(mapping, c);
  }
  return c;
}

function missingField(message: string | undefined): string | undefined {
  const m = /missing the required field '([^']+)'/.exec(message ?? '');
  return m?.[1];
}
