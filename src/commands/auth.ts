import type { Command } from 'commander';

export function registerAuth(program: Command): void {
  const auth = program.command('auth').description('Inspect and renew saved HubSpot logins.');
  auth
    .command('status')
    .description('Show saved logins (account, user, scopes, expiry) and which credential a command would use. Never shows a secret.')
    .option('--profile <name>', 'show only this profile, and say what would be used for it')
    .option('--token <token>', 'take this token into account, as `send --token` would')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { profile?: string; token?: string; json?: boolean }) => {
      const { authStatus } = await import('../auth/status.js');
      await authStatus(opts);
    });
  auth
    .command('refresh')
    .description('Get a new access token for a saved OAuth login now (checks the login still works).')
    .option('--profile <name>', 'the saved login to refresh', 'default')
    .option('--base-url <url>', 'HubSpot API base URL (default: HUBSPOT_API_BASE_URL, else https://api.hubapi.com)')
    .action(async (opts: { profile: string; baseUrl?: string }) => {
      const { authRefresh } = await import('../auth/status.js');
      await authRefresh(opts);
    });
}
