import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `hubspot-actions/<version>`, so HubSpot support can tell our calls apart in an account's API log.
 * The version comes from our package.json, found by walking up: the module runs both from src/
 * (tests) and from dist/src/ (the built CLI), at different depths.
 */
export function defaultUserAgent(): string {
  return `hubspot-actions/${packageVersion() ?? '0.0.0'}`;
}

let cached: string | undefined | null = null;

function packageVersion(): string | undefined {
  if (cached !== null) return cached;
  cached = undefined;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'hubspot-actions' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // not here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return cached;
}
