import type { Mapping } from './mapping-file.js';
import { segmentCore } from './segment-libs.js';

export type Mapped = { ok: true; payload: Record<string, unknown> } | { ok: false; message: string; field?: string };

/**
 * Segment's per-event steps, in Segment's order: mapping-kit transform, removal of empty root
 * values, then validation (with type coercion) against the action's schema, giving Segment's
 * own messages ("The root value is missing the required field 'email'.").
 */
export function mapEvent(mapping: Mapping, event: unknown): Mapped {
  const core = segmentCore();
  let payload: Record<string, unknown>;
  try {
    payload = core.transform(mapping.fields, event);
  } catch (err) {
    return { ok: false, message: `mapping failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  payload = core.removeEmptyValues(payload, mapping.schema, true);
  try {
    core.validateSchema(payload, mapping.schema, { schemaKey: `hubspot-actions:${mapping.action.name}` });
  } catch (err) {
    const first = (err as { errors?: Array<{ pointer?: string; message?: string }> }).errors?.[0];
    const field = first?.pointer ? first.pointer.split('/').filter(Boolean)[0] : missingField(err);
    return { ok: false, message: err instanceof Error ? err.message : String(err), field };
  }
  return { ok: true, payload };
}

function missingField(err: unknown): string | undefined {
  const m = /missing the required field '([^']+)'/.exec(err instanceof Error ? err.message : '');
  return m?.[1];
}
