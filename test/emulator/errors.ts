import { randomUUID } from 'node:crypto';

/** A HubSpot error answer; thrown by handlers and turned into a response by the server. */
export class HubSpotError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message ?? body.status));
  }
}

export const correlationId = (): string => randomUUID();

/**
 * HubSpot's general error shape. Key order follows captured bodies (status, message, correlationId,
 * then context/errors, then category) so that dumps of raw text look like the real thing.
 */
export function errorBody(category: string, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'error', message, correlationId: correlationId(), ...extra, category };
}

export function apiError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): HubSpotError {
  return new HubSpotError(status, errorBody(category, message, extra));
}

export const validationError = (message: string, extra: Record<string, unknown> = {}): HubSpotError =>
  apiError(400, 'VALIDATION_ERROR', message, extra);

export const objectNotFound = (id: string): HubSpotError =>
  apiError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } });

/** One invalid property value, as HubSpot embeds it in the message and lists it in errors[]. */
export interface PropertyProblem {
  name: string;
  code: string;
  message: string;
}

export function propertyProblemsBody(portalId: number, problems: PropertyProblem[]): Record<string, unknown> {
  const embedded = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.code,
    name: p.name,
    localizedErrorMessage: p.message,
    portalId,
  }));
  return errorBody('VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(embedded)}`, {
    errors: problems.map((p) => ({ message: p.message, code: p.code, context: { propertyName: [p.name] } })),
  });
}

export const propertyProblems = (portalId: number, problems: PropertyProblem[]): HubSpotError =>
  new HubSpotError(400, propertyProblemsBody(portalId, problems));

export const missingScopes = (required: string[]): HubSpotError =>
  apiError(
    403,
    'MISSING_SCOPES',
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredScopes: required } }],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    },
  );

/** 429 bodies use errorType/policyName instead of category (hubspot-api.md §5). */
export function rateLimitBody(policyName: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY', groupName?: string): Record<string, unknown> {
  const message =
    policyName === 'TEN_SECONDLY_ROLLING'
      ? 'You have reached your ten_secondly_rolling limit.'
      : policyName === 'SECONDLY'
        ? 'You have reached your secondly limit.'
        : 'You have reached your daily limit.';
  const body: Record<string, unknown> = { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: correlationId(), policyName };
  if (policyName === 'TEN_SECONDLY_ROLLING' && groupName) body.groupName = groupName;
  if (policyName === 'DAILY') body.requestId = randomUUID();
  return body;
}
