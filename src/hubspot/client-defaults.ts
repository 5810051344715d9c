/** The live client's defaults, apart from the client so `send --help` can show them without loading it. */
export const DEFAULTS = {
  ratePer10s: 100,
  searchPerSecond: 4,
  maxConcurrency: 6,
  maxRetries: 8,
  timeoutMs: 30_000,
} as const;
