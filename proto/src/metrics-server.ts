import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a prom-client Registry offers (structurally, so this package needs no prom-client). */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

/**
 * What a part says of its health. `status: 'degraded'` makes /healthz answer 503 (so container
 * health checks and load balancers see it) with the same body; `reasons` says why.
 */
export interface HealthReport {
  status?: 'ok' | 'degraded';
  reasons?: string[];
}

/** /healthz and /metrics on their own port, loopback by default: operators scrape it, devices never see it. */
export async function startMetricsServer(
  source: MetricsSource,
  port: number,
  host: string,
  health: () => HealthReport & object,
): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      let report: HealthReport & object;
      try {
        report = { status: 'ok', ...health() };
      } catch (error) {
        report = { status: 'degraded', reasons: [`health check failed: ${(error as Error).message}`] };
      }
      res.writeHead(report.status === 'degraded' ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(report));
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
