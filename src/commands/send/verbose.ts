import type { Exchange } from '../../hubspot/client.js';
import { UserError } from '../../errors.js';

export function verbosity(flag: boolean | string | undefined): 1 | 2 | undefined {
  if (flag === undefined || flag === false) return undefined;
  if (flag === true || flag === '1') return 1;
  if (flag === '2') return 2;
  throw new UserError(`--verbose takes 1 or 2, not "${flag}"`, '--verbose shows every HTTP exchange; --verbose=2 adds the request and answer bodies');
}

/** `HTTP POST <url> → 207 in 84 ms (correlationId …)`, and the bodies at level 2. */
export function describeExchange(x: Exchange, level: 1 | 2): string {
  const answer = x.status !== undefined ? `${x.status}` : `no answer (${x.failure})`;
  const lines = [`HTTP ${x.method} ${x.url} → ${answer} in ${x.ms} ms${x.correlationId ? ` (correlationId ${x.correlationId})` : ''}`];
  if (level === 2) {
    if (x.requestBody !== undefined) lines.push(`  > ${JSON.stringify(x.requestBody)}`);
    if (x.responseBody !== undefined) lines.push(`  < ${JSON.stringify(x.responseBody)}`);
  }
  return lines.join('\n');
}
