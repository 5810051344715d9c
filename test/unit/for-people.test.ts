import { describe, expect, it } from 'vitest';
import { forPeople } from '../../src/for-people.js';
import { redactText, rememberSecret } from '../../src/hubspot/redact.js';

describe('forPeople', () => {
  it('makes escape sequences, carriage returns and bidi overrides visible; keeps line breaks and tabs', () => {
    expect(forPeople('a\x1b[2Jb\rc\u202ed\n\te')).toBe('a\\x1b[2Jb\\x0dc\\u202ed\n\te');
  });
});

describe('redactText', () => {
  it('takes out every secret registered, encoded forms too, and bearer headers and form fields never registered', () => {
    rememberSecret('s3cr3t/with+chars');
    expect(redactText('x s3cr3t/with+chars y s3cr3t%2Fwith%2Bchars')).toBe('x [redacted] y [redacted]');
    expect(redactText('Authorization: Bearer abcdefghijkl')).toBe('Authorization: Bearer [redacted]');
    expect(redactText('grant_type=refresh_token&refresh_token=na1-xyz&client_secret=abc')).toBe('grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted]');
  });
});
