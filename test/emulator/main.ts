/**
 * `npm run emulator`: one HubSpot emulator in the foreground, for trying the CLI by hand.
 * Flags win over env: --port/HUBSPOT_EMULATOR_PORT, --hub-id/HUBSPOT_EMULATOR_HUB_ID,
 * --ten-secondly/HUBSPOT_EMULATOR_TEN_SECONDLY, --token-lifetime/HUBSPOT_EMULATOR_TOKEN_LIFETIME,
 * --seed-file/HUBSPOT_EMULATOR_SEED_FILE (a JSON body for /__emulator/seed), --quiet.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { issueToken } from './controls.js';
import { HubSpotError } from './errors.js';
import { seed } from './seed.js';
import { startServer } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'hub-id': { type: 'string' },
    'ten-secondly': { type: 'string' },
    'token-lifetime': { type: 'string' },
    'seed-file': { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: npm run emulator -- [--port N] [--hub-id N] [--ten-secondly N] [--token-lifetime SECONDS] [--seed-file FILE] [--quiet]');
  process.exit(0);
}

const env = process.env;
const num = (flag: string | undefined, envName: string): number | undefined => {
  const raw = flag ?? env[envName];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    console.error(`hubspot-emulator: ${envName} / flag value '${raw}' is not a number`);
    process.exit(2);
  }
  return n;
};

const quiet = values.quiet === true;
const port = num(values.port, 'HUBSPOT_EMULATOR_PORT');
const hubId = num(values['hub-id'], 'HUBSPOT_EMULATOR_HUB_ID');
const tenSecondlyLimit = num(values['ten-secondly'], 'HUBSPOT_EMULATOR_TEN_SECONDLY');
const accessTokenLifetimeSeconds = num(values['token-lifetime'], 'HUBSPOT_EMULATOR_TOKEN_LIFETIME');

const { ctx, server, url } = await startServer(
  {
    ...(port !== undefined ? { port } : {}),
    ...(hubId !== undefined ? { hubId } : {}),
    ...(tenSecondlyLimit !== undefined ? { tenSecondlyLimit } : {}),
    ...(accessTokenLifetimeSeconds !== undefined ? { accessTokenLifetimeSeconds } : {}),
    quiet,
  },
  quiet ? {} : { onRequest: (line) => console.log(`${new Date().toISOString()} ${line}`) },
);

const seedFile = values['seed-file'] ?? env.HUBSPOT_EMULATOR_SEED_FILE;
if (seedFile) {
  try {
    const ids = seed(ctx, JSON.parse(readFileSync(seedFile, 'utf8')) as Record<string, unknown>);
    console.log(`Seeded from ${seedFile}: ${JSON.stringify(ids)}`);
  } catch (e) {
    console.error(`hubspot-emulator: seeding from ${seedFile} failed: ${e instanceof HubSpotError ? JSON.stringify(e.body) : String(e)}`);
    process.exit(2);
  }
}

const token = issueToken(ctx).access_token;
const app = [...ctx.apps.values()][0]!;
console.log(`HubSpot emulator listening on ${url} (hub ${ctx.config.hubId})
Access token (every scope): ${token}
OAuth app: client_id=${app.clientId} client_secret=${app.clientSecret} redirect_uri=${app.redirectUris[0] ?? ''}

Point the CLI at it:
  HUBSPOT_API_BASE_URL=${url} HUBSPOT_APP_BASE_URL=${url} HUBSPOT_ACCESS_TOKEN=${token} hubspot-actions send ...

Test controls: ${url}/__emulator/dump, /__emulator/requests, POST /__emulator/reset
Ctrl-C to stop.`);

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
