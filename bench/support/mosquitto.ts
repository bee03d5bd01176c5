// Debian's mosquitto as a peer for the broker benchmarks: a generated config in a temp dir, a
// free 127.0.0.1 port, TLS with the fleet CA and client certificates, the same topic rights as our
// ACL for the topics the benchmarks use, persistence off and queues large enough to drop nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetPki } from '@vigil/proto/pki';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface MosquittoProcess {
  child: ChildProcess;
  port: number;
  config: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Extra settings override the defaults below (e.g. max_inflight_messages). */
export async function startMosquitto(pki: FleetPki, extra: Record<string, string> = {}): Promise<MosquittoProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-mosquitto-'));
  const port = await freePort();
  const broker = pki.broker();
  const acl = join(dir, 'acl');
  // use_identity_as_username makes the certificate CN the user name: %u is the recorder id.
  writeFileSync(
    acl,
    [
      'pattern write vigil/v1/rec/%u/+',
      'pattern read vigil/v1/ack/%u',
      'pattern read vigil/v1/cmd/%u',
      'user ingestor',
      'topic read vigil/v1/rec/+/+',
      'topic write vigil/v1/ack/+',
      'topic write vigil/v1/state/+',
      '',
    ].join('\n'),
  );
  const settings: Record<string, string> = {
    persistence: 'false',
    // mosquitto drops QoS 1 messages for a client beyond this queue (default 1000).
    max_queued_messages: '10000000',
    max_queued_bytes: '0',
    max_connections: '-1',
    log_dest: 'stderr',
    log_type: 'error',
    // Started as root, mosquitto switches to the "mosquitto" user, who cannot read the 0600 keys.
    ...(process.getuid?.() === 0 ? { user: 'root' } : {}),
    ...extra,
  };
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      ...Object.entries(settings).map(([k, v]) => `${k} ${v}`),
      `listener ${port} 127.0.0.1`,
      `cafile ${broker.ca}`,
      `certfile ${broker.cert}`,
      `keyfile ${broker.key}`,
      'require_certificate true',
      'use_identity_as_username true',
      `acl_file ${acl}`,
      '',
    ].join('\n'),
  );
  const child = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const fail = (message: string) => {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    return new Error(message);
  };
  // Listening when a TCP connect succeeds.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw fail(`mosquitto exited (${child.exitCode}): ${stderr}`);
    const up = await new Promise<boolean>((ok) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), ok(true)));
      socket.once('error', () => ok(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw fail(`mosquitto did not listen on ${port}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    config,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
