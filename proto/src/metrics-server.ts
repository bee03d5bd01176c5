import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a prom-client Registry offers (structurally, so this package needs no prom-client). */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

/** /healthz and /metrics on their own port, loopback by default: operators scrape it, devices never see it. */
export async function startMetricsServer(
  source: MetricsSource,
  port: number,
  host: string,
  health: () => Record<string, unknown>,
): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', ...health() }));
      return;
    }
    if (req.url === '/metrics') {
      source.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': source.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, server };
}
