/**
 * Shows a static token as `pat-na1-…1a2b` (its public prefix and last four characters), enough to
 * tell two tokens apart; anything shorter than 20 characters shows nothing of itself.
 */
export function maskToken(token: string): string {
  if (token.length < 20) return '…';
  const prefix = /^(pat-[a-z]{2}\d-)/.exec(token)?.[1] ?? '';
  return `${prefix}…${token.slice(-4)}`;
}

