import { InvalidArgumentError, type Command } from 'commander';
import type { OAuthLoginFlags, StaticLoginFlags } from '../auth/login.js';

// Type-only: erased at run time, so `--help` still loads no auth module.
type LoginOptions = OAuthLoginFlags & StaticLoginFlags & { token?: boolean };

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description(
      'Log in to a HubSpot account: OAuth with your own HubSpot app (default), or save a service key / private app token (--token).',
    )
    .option('--profile <name>', 'save the login under this name (one per HubSpot account)', 'default')
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
    .option('--base-url <url>', 'HubSpot API base URL (default: HUBSPOT_API_BASE_URL, else https://api.hubapi.com)')
    .addHelpText(
      'after',
      '\nExamples:\n  hubspot-actions login --client-id <id>            # OAuth in the browser\n  echo "$TOKEN" | hubspot-actions login --token      # service key / private app token\n  hubspot-actions login --profile eu-portal --no-browser',
    )
    .action(async (opts: LoginOptions) => {
      const { loginWithOAuth, loginWithStaticToken } = await import('../auth/login.js');
      if (opts.token || opts.tokenValue !== undefined) await loginWithStaticToken(opts);
      else await loginWithOAuth(opts);
    });
}

function intArg(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`--${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}
