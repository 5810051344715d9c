import { issueToken } from './controls.js';
import type { EmulatorOptions, FaultOptions, RunningEmulator } from './options.js';
import { startServer } from './server.js';

export type { EmulatorOptions, FaultOptions, RunningEmulator } from './options.js';

/** Starts an in-memory HubSpot on 127.0.0.1 (random port unless `port` is given). */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { ctx, server, url } = await startServer(opts);
  return {
    url,
    hubId: ctx.config.hubId,
    accessToken: issueToken(ctx).access_token,
    issueToken: (o) => issueToken(ctx, o).access_token,
    setFaults: (f: FaultOptions) => ctx.faults.set(f),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
