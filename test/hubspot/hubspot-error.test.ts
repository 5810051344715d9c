import { describe, expect, it } from 'vitest';
import {
  describeHubSpotError,
  formatMissingScopes,
  parsePropertyErrors,
  requiredScopes,
} from '../../src/hubspot/hubspot-error.js';
import type { HubSpotResponse } from '../../src/hubspot/transport.js';
import { bodies } from './scripted-server.js';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): HubSpotResponse => ({ status, body, headers });

describe('describeHubSpotError', () => {
  it('keeps the fields of a validation error', () => {
    expect(describeHubSpotError(answer(400, bodies.propertyDoesntExist))).toEqual({
      status: 400,
      category: 'VALIDATION_ERROR',
      message: bodies.propertyDoesntExist.message,
      correlationId: 'ffbce914-a7be-4a80-a701-2e8bad686524',
      errors: bodies.propertyDoesntExist.errors,
    });
  });

  it('reads a 429 body, whose category is called errorType, and its policy', () => {
    expect(describeHubSpotError(answer(429, bodies.tenSecondly))).toMatchObject({
      status: 429,
      category: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      message: 'You have reached your ten_secondly_rolling limit.',
    });
  });

  it('keeps subCategory and context, and takes the correlation id from the header when the body lacks it', () => {
    const d = describeHubSpotError(
      answer(
        409,
        {
          status: 'error',
          message: "A property named 'segment_group_id' already exists.",
          category: 'OBJECT_ALREADY_EXISTS',
          subCategory: 'Properties.PROPERTY_WITH_NAME_EXISTS',
          context: { name: ['segment_group_id'] },
        },
        { 'x-hubspot-correlation-id': 'from-header' },
      ),
    );
    expect(d).toEqual({
      status: 409,
      category: 'OBJECT_ALREADY_EXISTS',
      subCategory: 'Properties.PROPERTY_WITH_NAME_EXISTS',
      message: "A property named 'segment_group_id' already exists.",
      context: { name: ['segment_group_id'] },
      correlationId: 'from-header',
    });
  });

  it('treats every field as optional: no body, a text body, fields of the wrong type', () => {
    expect(describeHubSpotError(answer(502, undefined))).toEqual({ status: 502, message: 'HTTP 502 with no error message' });
    expect(describeHubSpotError(answer(502, { raw: '<html>Bad Gateway</html>' }))).toEqual({
      status: 502,
      message: '<html>Bad Gateway</html>',
    });
    expect(describeHubSpotError(answer(400, { message: 42, category: ['x'], errors: 'no', context: 'no' }))).toEqual({
      status: 400,
      message: 'HTTP 400 with no error message',
    });
  });
});

describe('parsePropertyErrors', () => {
  it('reads errors[].code and context.propertyName', () => {
    expect(parsePropertyErrors(answer(400, bodies.propertyDoesntExist))).toEqual([
      { name: 'description', code: 'PROPERTY_DOESNT_EXIST', message: 'Property "description" does not exist' },
    ]);
  });

  it('reads the JSON array embedded in the message when errors[] is absent, as Segment does', () => {
    const message =
      'Property values were not valid: [{"isValid":false,"message":"Japan Summer was not one of the allowed options: [label: \\"Spring\\"\\nvalue: \\"spring\\"]","error":"INVALID_OPTION","name":"season"},{"isValid":false,"message":"Email address dsfsafas@ is invalid","error":"INVALID_EMAIL","name":"email"}]';
    expect(parsePropertyErrors(answer(400, { status: 'error', message, category: 'VALIDATION_ERROR' }))).toEqual([
      { name: 'season', code: 'INVALID_OPTION', message: 'Japan Summer was not one of the allowed options: [label: "Spring"\nvalue: "spring"]' },
      { name: 'email', code: 'INVALID_EMAIL', message: 'Email address dsfsafas@ is invalid' },
    ]);
  });

  it('returns nothing for other errors or a message that is not JSON', () => {
    expect(parsePropertyErrors(answer(429, bodies.tenSecondly))).toEqual([]);
    expect(parsePropertyErrors(answer(400, { message: 'Property values were not valid: oops' }))).toEqual([]);
    expect(parsePropertyErrors(answer(400, undefined))).toEqual([]);
  });
});

describe('missing scopes', () => {
  it('names the scopes a 403 MISSING_SCOPES asks for', () => {
    const res = answer(403, bodies.missingScopes);
    expect(requiredScopes(res)).toEqual(['crm.objects.contacts.write']);
    expect(formatMissingScopes(res)).toBe(
      'HubSpot refused the call: the app has not been granted the required scopes (403 MISSING_SCOPES; it needs crm.objects.contacts.write). ' +
        'Add the scopes to the app (or the service key / private app) and run `hubspot-actions login` again.',
    );
  });

  it('says so when HubSpot does not name the scope, and stays out of other answers', () => {
    expect(formatMissingScopes(answer(403, { category: 'MISSING_SCOPES', message: 'nope' }))).toContain('HubSpot did not say which scope is missing');
    expect(formatMissingScopes(answer(400, bodies.propertyDoesntExist))).toBeUndefined();
  });
});
