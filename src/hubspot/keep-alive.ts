import http from 'node:http';
import https from 'node:https';

/**
 * One keep-alive agent per protocol: an hours-long backfill makes hundreds of thousands of calls,
 * and a TLS handshake per call would cost more than the calls. `maxSockets` matches the client's
 * concurrency cap so sockets are reused rather than piling up.
 */
export interface KeepAliveAgents {
  forUrl(url: URL): http.Agent;
  /** Closes idle and open sockets; without it the pooled sockets keep the process alive. */
  destroy(): void;
}

export function createKeepAliveAgents(maxSockets: number): KeepAliveAgents {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
  let httpAgent: http.Agent | undefined;
  let httpsAgent: https.Agent | undefined;
  return {
    forUrl(url) {
      if (url.protocol === 'https:') return (httpsAgent ??= new https.Agent(options));
      return (httpAgent ??= new http.Agent(options));
    },
    destroy() {
      httpAgent?.destroy();
      httpsAgent?.destroy();
      httpAgent = httpsAgent = undefined;
    },
  };
}
