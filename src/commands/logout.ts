import type { Command } from 'commander';

export function registerLogout(program: Command): void {
  program
    .command('logout')
    .description('Revoke a saved OAuth login at HubSpot and forget it (a static token is only forgotten).')
    .option('--profile <name>', 'the saved login to remove', 'default')
    .option('--local-only', 'forget the login without revoking it at HubSpot (when HubSpot cannot be reached)')
    .option('--base-url <url>', 'HubSpot API base URL (default: HUBSPOT_API_BASE_URL, else https://api.hubapi.com)')
    .action(async (opts: { profile: string; baseUrl?: string; localOnly?: boolean }) => {
      const { logout } = await import('../auth/logout.js');
      await logout(opts);
    });
}
