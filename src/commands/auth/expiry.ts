/** "expires at <iso> (in 12 min)": when a stored access token stops working, for people. */
export function describeExpiry(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (!Number.isFinite(ms)) return 'expiry unknown';
  if (ms <= 0) return `expired at ${iso}`;
  const minutes = Math.floor(ms / 60_000);
  return `expires at ${iso} (in ${minutes > 0 ? `${minutes} min` : `${Math.ceil(ms / 1000)} s`})`;
}
