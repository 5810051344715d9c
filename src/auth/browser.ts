import { spawn } from 'node:child_process';

/**
 * Opens `url` in the user's browser without a dependency. Returns false when it did not try
 * (BROWSER=none); a browser that fails to start is ignored, since the URL is printed anyway.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): boolean {
  const command = browserCommand(url, env);
  if (!command) return false;
  try {
    const child = spawn(command.cmd, command.args, { stdio: 'ignore', detached: true, env });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // The URL was printed; the user can open it by hand.
  }
  return true;
}

export function browserCommand(url: string, env: NodeJS.ProcessEnv, platform = process.platform): { cmd: string; args: string[] } | undefined {
  const browser = env.BROWSER?.trim();
  if (browser === 'none') return undefined;
  if (browser) {
    // BROWSER may list alternatives separated by ':' and carry arguments; take the first one.
    const [cmd, ...args] = browser.split(':')[0].split(/\s+/);
    return { cmd, args: [...args, url] };
  }
  if (platform === 'darwin') return { cmd: 'open', args: [url] };
  // Not `cmd /c start`: cmd would read the '&' between query parameters as a command separator.
  if (platform === 'win32') return { cmd: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { cmd: 'xdg-open', args: [url] };
}
