/**
 * Shows a static token as `pat-na1-…1a2b` (its public prefix and last four characters), enough to
 * tell two tokens apart; anything shorter than 20 characters shows nothing of itself.
 */
export function maskToken(token: string): string {
  if (token.length < 20) return '…';
  const prefix = /^(pat-[a-z]{2}\d-)/.exec(token)?.[1] ?? '';
  return `${prefix}…${token.slice(-4)}`;
}

/** Removes every secret from text that came from elsewhere (HubSpot's messages) before it is shown. */
export function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}
