import { UserError } from '../../errors.js';
import { tokenInfo } from '../../hubspot/portal.js';
import { apiPaths } from '../../hubspot/api.js';
import type { ResolvedCredential } from '../../auth/credentials.js';
import type { Transport } from '../../hubspot/transport.js';
import type { MappingFile } from '../../mapping/types.js';
import { STDIN } from '../../pipeline/read-lines.js';
import { Preflight } from '../../preflight/checks.js';
import { PortalFacts } from '../../preflight/facts.js';
import { formatProblems } from '../../preflight/problems.js';
import { readSamples } from '../../preflight/samples.js';

export interface PreflightOptions {
  mapping: MappingFile;
  inputs: string[];
  transport: Transport;
  credential: ResolvedCredential;
}

/**
 * The checks before the first write: the token's Hub ID and scopes (HubSpot's token
 * introspection), then the mapping against the portal, then the first events of the input files.
 */
export async function runPreflight(o: PreflightOptions): Promise<Preflight> {
  const info = o.credential.known ?? (await tokenInfo(o.credential.apiBaseUrl, await o.credential.tokens.getAccessToken()));
  const preflight = new Preflight(o.mapping, new PortalFacts(o.transport, info, apiPaths(o.mapping.settings.apiVersion)));
  await preflight.checkMappings();
  await preflight.checkSamples(await readSamples(o.inputs.filter((i) => i !== STDIN)));
  return preflight;
}

/**
 * A live `send` stops before its first write when a problem would fail every event of a mapping;
 * the others are told and the run goes on.
 */
export function stopOrWarn(preflight: Preflight, say: (s: string) => void, quiet: boolean, mappingPath: string): void {
  const all = preflight.problems.list();
  const fatal = preflight.problems.fatal();
  if (fatal.length) {
    say(`Preflight: ${fatal.length} problem${fatal.length === 1 ? '' : 's'} would fail every event of a mapping:\n${formatProblems(all).trimEnd()}`);
    throw new UserError(`the preflight checks found ${fatal.length} problem${fatal.length === 1 ? '' : 's'} that would fail every event of ${[...new Set(fatal.map((p) => p.mapping ?? 'every mapping'))].map((m) => `"${m}"`).join(', ')}; nothing was sent`, `fix them (\`hubspot-actions send … -m ${mappingPath} --plan\` shows the rest without writing), or add --no-preflight to send anyway`);
  }
  if (all.length && !quiet) say(`Preflight: ${all.length} problem${all.length === 1 ? '' : 's'} (the run goes on; the events concerned will fail):\n${formatProblems(all).trimEnd()}`);
}
