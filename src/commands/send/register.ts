import type { Command } from 'commander';
import { DEFAULTS } from '../../hubspot/client-defaults.js';
import type { Factory } from '../factory.js';
import type { SendFlags } from './flags.js';

export function registerSend(program: Command, factory: Factory): void {
  program
    .command('send')
    .description('Read Segment events (NDJSON, .gz too) from files or stdin and perform the mapped HubSpot actions.')
    .argument('[files...]', 'NDJSON files in order; none or "-" reads stdin')
    .requiredOption('-m, --mapping <file>', 'the mapping file (YAML)')
    .option('--dry-run', 'print the HubSpot requests as JSON lines instead of sending them; needs no login or network')
    .option('--plan', 'needs a login: read what HubSpot holds and print the writes a live run would make (creates, updates old → new, associations, events) and the preflight problems; writes nothing')
    .option('--no-preflight', 'live runs: skip the checks against the portal (properties, types, scopes, event definitions, object types, labels, Hub ID) made before the first write')
    .option('--pretty', 'with --dry-run: the requests grouped by input event, skipped and failed events with their reasons, for people')
    .option('--failed <file>', 'where failed events go (NDJSON); default hubspot-actions-failed-<time>.ndjson when any fail')
    .option('--checkpoint <file>', 'record progress here and resume from it when run again')
    .option('--force-resume', 'resume from --checkpoint although the mapping file or the input data changed since it was written')
    .option('--outcomes <file>', "write each event's outcome (file, line, messageId, delivered/skipped/failed, reasons) as NDJSON, once per event across resumed runs")
    .option('--limit <n>', 'stop after n events: a quick look at the start of a big export')
    .option('--only-mapping <name>', 'run only this mapping (repeat it, or give a,b); the others are left out', (v: string, prev: string[] = []) => [...prev, v])
    .option('--max-line-bytes <n>', 'longer input lines are failed unread, with their line number (default 16777216)')
    .option('--one-at-a-time', 'send strictly one event and one request at a time, no batching or merging: slow; the reference a batched run must end equal to')
    .option('--token <token>', 'HubSpot access token (else HUBSPOT_ACCESS_TOKEN, else the stored login); other users see a token given here in `ps`, and your shell history keeps it: prefer `--token -` (read from stdin), --token-file or HUBSPOT_ACCESS_TOKEN')
    .option('--token-file <file>', 'read the access token from this file (kept out of `ps` and shell history)')
    .option('--profile <name>', 'stored login to use (default: HUBSPOT_ACTIONS_PROFILE, else the one `auth switch` chose, else "default")')
    .option('--base-url <url>', 'HubSpot API base URL (else HUBSPOT_API_BASE_URL, else the stored login\'s, else https://api.hubapi.com)')
    .option('--api-version <version>', "HubSpot's API family: v3 (default: /crm/v3, /crm/v4 associations, /events/v3) or 2026-03 (HubSpot's date-versioned paths); else the mapping file's settings.apiVersion")
    .option('--insecure-http', 'allow a plain http:// base URL to another machine (token and data unencrypted on the network)')
    .option('--rate <n>', `requests per 10 seconds at most (default: follow the limit HubSpot's rate headers announce, ${DEFAULTS.ratePer10s} until they do; HubSpot allows 110 for OAuth apps, 100+ for private apps)`)
    .option('--concurrency <n>', `requests in flight at once (default: ${DEFAULTS.maxConcurrency})`)
    .option('-q, --quiet', 'no progress line and no summary on stderr')
    .option('--json', 'the final summary as JSON: on stdout, or with --dry-run on stderr (stdout holds only the request lines)')
    .option('--summary-file <file>', 'also write the final summary as JSON to this file')
    .option('--verbose [level]', 'every HTTP exchange on stderr (method, URL, status, time, correlationId), tokens redacted; --verbose=2 adds the bodies')
    .addHelpText('after', EXAMPLES)
    .action(async (files: string[], flags: SendFlags) => {
      const { runSend } = await import('./run.js');
      await runSend({ files, flags, factory });
    });
}

const EXAMPLES = `
Examples:
  hubspot-actions send events.ndjson -m mappings.yaml --dry-run --pretty    # look before sending
  hubspot-actions send events.ndjson -m mappings.yaml --plan                # what it would change in the portal
  hubspot-actions send export/*.json.gz -m mappings.yaml --checkpoint backfill.ckpt --failed backfill.failed.ndjson
  hubspot-actions send backfill.failed.ndjson -m mappings.yaml              # retry what failed
  my-exporter | hubspot-actions send -m mappings.yaml --quiet --json > summary.json`;
