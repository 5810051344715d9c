import type { HubSpotResponse } from '../../hubspot/transport.js';
import type { FailureDetail } from '../../model.js';
import { describeHubSpotError, formatMissingScopes, parsePropertyErrors } from '../../hubspot/hubspot-error.js';

/**
 * HubSpot's error body turned into a failure record (every field optional, as HubSpot advises).
 * Property and scope errors get a message a person can act on; HubSpot's own text is kept beside it.
 */
export function hubspotFailure(res: HubSpotResponse, context?: string): FailureDetail {
  const d = describeHubSpotError(res);
  const props = parsePropertyErrors(res);
  const readable = formatMissingScopes(res) ??
    (props.length ? `${props.map((e) => `${e.message} (${e.code})`).join('; ')}${hintFor(props)}` : d.message);
  return {
    kind: 'hubspot',
    status: res.status,
    category: d.category,
    correlationId: d.correlationId,
    message: context ? `${context}: ${readable}` : readable,
    ...(readable !== d.message ? { hubspotMessage: d.message } : {}),
  };
}

function hintFor(errors: Array<{ code: string }>): string {
  if (errors.some((e) => e.code === 'PROPERTY_DOESNT_EXIST')) return ' — create the property in HubSpot (Settings > Properties) or remove it from the mapping';
  if (errors.some((e) => e.code === 'INVALID_DATE')) return ' — date properties take midnight UTC (YYYY-MM-DD); use a datetime property for timestamps';
  return '';
}

export const isOk = (res: HubSpotResponse): boolean => res.status >= 200 && res.status < 300;

/** The ids HubSpot lists in a batch error's context (OBJECT_NOT_FOUND, duplicate ids). */
export function errorIds(err: any): string[] {
  const ids = err?.context?.ids;
  return Array.isArray(ids) ? ids.map(String) : [];
}

/** The objectWriteTraceIds a 207 error names. */
export function errorTraceIds(err: any): string[] {
  const ids = err?.context?.objectWriteTraceId;
  if (Array.isArray(ids)) return ids.map(String);
  if (typeof err?.objectWriteTraceId === 'string') return [err.objectWriteTraceId];
  return [];
}
