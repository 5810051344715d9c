import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export const CREDENTIALS_FILE = 'credentials.json';

/**
 * Where logins are kept: $HUBSPOT_ACTIONS_CONFIG_DIR, else $XDG_CONFIG_HOME/hubspot-actions, else
 * ~/.config/hubspot-actions. A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
 */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.HUBSPOT_ACTIONS_CONFIG_DIR) return resolve(env.HUBSPOT_ACTIONS_CONFIG_DIR);
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.config');
  return join(base, 'hubspot-actions');
}

export function credentialsPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), CREDENTIALS_FILE);
}
