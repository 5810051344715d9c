import { InvalidArgumentError, type Command } from 'commander';
import type { Factory } from '../factory.js';
import type { AuthRefreshFlags } from './refresh.js';
import type { AuthStatusFlags } from './status.js';
import type { LoginFlags } from './login.js';
import type { LogoutFlags } from './logout.js';

// Flags only: each body is imported when its command runs, so `--help` loads no auth module.

export function registerLogin(program: Command, factory: Factory): void {
  program
    .command('login')
    .description(
      'Log in to a HubSpot account: OAuth with your own HubSpot app (default), or save a service key / private app token (--token).',
    )
    .option('--profile <name>', 'save the login under this name, one per HubSpot account (default: HUBSPOT_ACTIONS_PROFILE, else the `auth switch` one, else "default")')
    .option('--client-id <id>', "your HubSpot app's client id (default: HUBSPOT_CLIENT_ID, else asked)")
    .option(
      '--client-secret <secret>',
      "your app's client secret (default: HUBSPOT_CLIENT_SECRET, else asked without echo); a flag value stays in your shell history",
    )
    .option('--port <n>', 'port of the local redirect http://localhost:<n>/oauth-callback, which your app must list', intArg('port', 1, 65535), 3000)
    .option('--scopes <list>', 'required scopes, replacing the default list (space or comma separated)')
    .option('--no-browser', 'print the login URL instead of opening a browser (SSH sessions)')
    .option('--timeout <seconds>', 'stop waiting for the browser after this long', intArg('timeout', 1, 86_400), 300)
    .option('--token', 'save a static token (service key or private app token) instead: asked without echo, or read from stdin when piped')
    .option('--token-value <token>', 'the static token itself; avoid: it lands in your shell history (pipe it in instead)')
    .option('--base-url <url>', 'HubSpot API base URL, remembered with the login (default: HUBSPOT_API_BASE_URL, else https://api.hubapi.com)')
    .option('--insecure-http', 'allow plain http:// base URLs to another machine (tokens unencrypted on the network)')
    .option('--app-url <url>', 'HubSpot consent-page base URL, remembered with the login (default: HUBSPOT_APP_BASE_URL, else https://app.hubspot.com)')
    .addHelpText(
      'after',
      '\nExamples:\n  hubspot-actions login --client-id <id>            # OAuth in the browser\n  echo "$TOKEN" | hubspot-actions login --token      # service key / private app token\n  hubspot-actions login --profile eu-portal --no-browser',
    )
    .action(async (flags: LoginFlags) => {
      const { login } = await import('./login.js');
      await login({ flags, factory });
    });
}

export function registerLogout(program: Command, factory: Factory): void {
  program
    .command('logout')
    .description('Revoke a saved OAuth login at HubSpot and forget it (a static token is only forgotten).')
    .option('--profile <name>', 'the saved login to remove (default: HUBSPOT_ACTIONS_PROFILE, else the `auth switch` one, else "default")')
    .option('--local-only', 'forget the login without revoking it at HubSpot (when HubSpot cannot be reached)')
    .action(async (flags: LogoutFlags) => {
      const { logout } = await import('./logout.js');
      await logout({ flags, factory });
    });
}

export function registerAuth(program: Command, factory: Factory): void {
  const auth = program.command('auth').description('Inspect and renew saved HubSpot logins.');
  auth
    .command('status')
    .description('Show saved logins (account, user, scopes, expiry) and which credential a command would use. Never shows a secret.')
    .option('--profile <name>', 'show only this profile, and say what would be used for it')
    .option('--token <token>', 'take this token into account, as `send --token` would (a value here is visible to other users in `ps`)')
    .option('--json', 'print the status as JSON')
    .action(async (flags: AuthStatusFlags) => {
      const { authStatus } = await import('./status.js');
      await authStatus({ flags, factory });
    });
  auth
    .command('refresh')
    .description('Get a new access token for a saved OAuth login now (checks the login still works).')
    .option('--profile <name>', 'the saved login to refresh (default: HUBSPOT_ACTIONS_PROFILE, else the `auth switch` one, else "default")')
    .action(async (flags: AuthRefreshFlags) => {
      const { authRefresh } = await import('./refresh.js');
      await authRefresh({ flags, factory });
    });
  auth
    .command('switch')
    .description('Make a saved login the one commands use when neither --profile nor HUBSPOT_ACTIONS_PROFILE names one.')
    .argument('<profile>', 'the saved login to use from now on')
    .action(async (profile: string) => {
      const { authSwitch } = await import('./switch.js');
      await authSwitch({ profile, factory });
    });
}

function intArg(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`--${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}
