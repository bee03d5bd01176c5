import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelError, checkWebhookConfig, verifyWebhookSignature, webhookSender, type WebhookBody } from '../../../src/index.js';
import { driveFull, notification, threeDown } from './fixtures.js';

const SECRET = 'a-webhook-secret-of-32-characters';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/**
 * A real HTTP receiver on loopback. Each request is answered by the next entry of `answers`
 * (the last one repeats): a status code, or 'hang' to keep the request open without a word.
 */
async function receiver(answers: Array<number | 'hang'>) {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, raw: Buffer.concat(chunks) });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)];
      if (answer === 'hang') {
        hanging.push(response);
        return;
      }
      if (answer !== undefined && answer >= 300 && answer < 400) response.setHeader('location', `http://127.0.0.1:${port()}/elsewhere`);
      response.writeHead(answer ?? 200, { 'content-type': 'text/plain' });
      response.end('answer body');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = () => (server.address() as AddressInfo).port;
  servers.push(server);
  return { received, url: (path = '/hook') => `http://127.0.0.1:${port()}${path}`, hanging };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** The ChannelError a send rejects with. */
async function failure(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

const live = () => new AbortController().signal;

describe('webhook channel against a real HTTP receiver', () => {
  it('POSTs the documented JSON, signed with HMAC-SHA256 of the raw body, with delivery id and timestamp', async () => {
    const hook = await receiver([200]);
    const sentAt = Date.UTC(2025, 5, 1, 12, 0, 9, 500);
    await webhookSender({ url: hook.url(), secret: SECRET, timeoutMs: 5_000 }, { now: () => sentAt }).send(threeDown(), live());

    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    if (!request) throw new Error('nothing received');
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hook');
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers['x-vigil-delivery']).toBe('43');
    expect(request.headers['x-vigil-timestamp']).toBe(String(Math.floor(sentAt / 1000)));
    expect(request.headers['x-vigil-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(request.raw, request.headers['x-vigil-signature'] as string, SECRET)).toBe(true);
    expect(verifyWebhookSignature(request.raw, request.headers['x-vigil-signature'] as string, 'another-secret-of-enough-length')).toBe(false);
    // One changed byte of the body breaks it too.
    const tampered = Buffer.from(request.raw.toString('utf8').replace('Till 1', 'Till 9'));
    expect(verifyWebhookSignature(tampered, request.headers['x-vigil-signature'] as string, SECRET)).toBe(false);

    const body = JSON.parse(request.raw.toString('utf8')) as WebhookBody;
    expect(body).toMatchObject({ version: 1, delivery: 43, kind: 'firing', createdAt: '2025-06-01T12:00:05.000Z', sentAt: '2025-06-01T12:00:09.500Z' });
    expect(body.alerts).toHaveLength(3);
    expect(body.alerts[0]).toEqual({
      id: 11,
      state: 'firing',
      severity: 'error',
      rule: { id: 3, name: 'Recorder down' },
      problem: { key: 'problem:recorder-unavailable', name: 'recorder-unavailable', summary: 'recorder rec-001 unavailable' },
      target: { kind: 'recorder', id: 'rec-001' },
      recorder: { id: 'rec-001', name: 'Till 1' },
      site: { id: 'store-12', name: 'Store 12' },
      installation: { slc: 'M01-C01-111-11-111111', name: 'Acme Retail' },
      since: '2025-06-01T12:00:00.000Z',
      resolvedAt: null,
      links: { dashboard: 'https://vigil.example.com/#/recorders/rec-001' },
    });
  });

  it('a 500 is worth retrying, and the retry with the same delivery id succeeds', async () => {
    const hook = await receiver([500, 200]);
    const sender = webhookSender({ url: hook.url(), secret: SECRET, timeoutMs: 5_000 });
    const error = await failure(sender.send(notification([driveFull()]), live()));
    expect(error.retryable).toBe(true);
    expect(error.reason).toBe('http-5xx');
    expect(error.message).toContain('answered 500');
    await sender.send(notification([driveFull()]), live());
    expect(hook.received.map((r) => r.headers['x-vigil-delivery'])).toEqual(['42', '42']);
  });

  it('429 is retried; 400, 401 and 404 are refusals that retrying will not change', async () => {
    const hook = await receiver([429, 400, 401, 404]);
    const sender = webhookSender({ url: hook.url(), secret: SECRET, timeoutMs: 5_000 });
    const outcomes: Array<[boolean, string]> = [];
    for (let i = 0; i < 4; i++) {
      const error = await failure(sender.send(notification([driveFull()]), live()));
      outcomes.push([error.retryable, error.reason]);
    }
    expect(outcomes).toEqual([
      [true, 'http-429'],
      [false, 'http-4xx'],
      [false, 'http-4xx'],
      [false, 'http-4xx'],
    ]);
  });

  it('a redirect is not followed (the signed body goes nowhere else) and is not retried', async () => {
    const hook = await receiver([302, 200]);
    const error = await failure(webhookSender({ url: hook.url(), secret: SECRET, timeoutMs: 5_000 }).send(notification([driveFull()]), live()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('redirect');
    expect(hook.received.map((r) => r.url)).toEqual(['/hook']);
  });

  it('a receiver that never answers fails within the channel timeout, retryable', async () => {
    const hook = await receiver(['hang']);
    const started = Date.now();
    const error = await failure(webhookSender({ url: hook.url(), secret: SECRET, timeoutMs: 1_000 }).send(notification([driveFull()]), live()));
    const took = Date.now() - started;
    expect(error.retryable).toBe(true);
    expect(error.reason).toBe('timeout');
    expect(hook.received).toHaveLength(1);
    expect(took).toBeGreaterThanOrEqual(950);
    // Room for a loaded 2-core machine, far below fetch's own 5 min wait for headers.
    expect(took).toBeLessThan(10_000);
  });

  it("stops when the caller's signal is aborted (shutdown), before the channel timeout", async () => {
    const hook = await receiver(['hang']);
    const controller = new AbortController();
    const sending = webhookSender({ url: hook.url(), secret: SECRET, timeoutMs: 60_000 }).send(notification([driveFull()]), controller.signal);
    while (hook.received.length === 0) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const error = await failure(sending);
    expect(error.reason).toBe('aborted');
    expect(error.retryable).toBe(true);
  });

  it('a refused connection is a retryable network error', async () => {
    const hook = await receiver([200]);
    const url = hook.url();
    for (const server of servers.splice(0)) await new Promise((r) => server.close(r));
    const error = await failure(webhookSender({ url, secret: SECRET, timeoutMs: 5_000 }).send(notification([driveFull()]), live()));
    expect(error.retryable).toBe(true);
    expect(error.reason).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('credentials in the URL become Basic authentication; no error shows them, the path, the query or the secret', async () => {
    const hook = await receiver([500, 'hang']);
    const url = hook.url('/hooks/T0K3NPATH?token=QU3RYT0K3N').replace('http://', 'http://hookuser:HOOKPASSWORD@');
    const sender = webhookSender({ url, secret: SECRET, timeoutMs: 1_000 });
    const messages: string[] = [];
    for (let i = 0; i < 2; i++) {
      const error = await failure(sender.send(notification([driveFull()]), live()));
      messages.push(error.message, String(error.stack), JSON.stringify(error));
    }
    expect(hook.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('hookuser:HOOKPASSWORD').toString('base64')}`);
    expect(hook.received[0]?.url).toBe('/hooks/T0K3NPATH?token=QU3RYT0K3N');
    const all = messages.join('\n');
    expect(all).toContain('127.0.0.1');
    for (const secret of ['HOOKPASSWORD', 'hookuser', 'T0K3NPATH', 'QU3RYT0K3N', SECRET]) expect(all).not.toContain(secret);
  });

  it('checks its settings, naming the field', () => {
    const good = { url: 'https://hooks.example.com/vigil', secret: 'x'.repeat(16), timeoutMs: 10_000 };
    expect(checkWebhookConfig(good)).toEqual({ ok: true, config: good });
    expect(checkWebhookConfig({ url: good.url, secret: good.secret })).toMatchObject({ ok: true, config: { timeoutMs: 10_000 } });
    const problems = [
      { ...good, url: 'ftp://hooks.example.com/' },
      { ...good, url: 'not a url' },
      { ...good, secret: 'short' },
      { ...good, secret: 1234567890123456 },
      { ...good, timeoutMs: 0 },
      { ...good, timeoutMs: 60_001 },
      { ...good, timeoutMs: '5000' },
      { ...good, retries: 3 },
      'https://hooks.example.com',
    ].map((config) => {
      const checked = checkWebhookConfig(config);
      return checked.ok ? 'accepted' : checked.field;
    });
    expect(problems).toEqual(['url', 'url', 'secret', 'secret', 'timeoutMs', 'timeoutMs', 'timeoutMs', 'retries', 'config']);
    const short = checkWebhookConfig({ ...good, secret: 'sh0rtsecret' });
    expect(short).toMatchObject({ ok: false, message: expect.stringMatching(/^secret: expected at least 16 characters/) });
    expect(JSON.stringify(short)).not.toContain('sh0rtsecret');
    expect(() => webhookSender({ ...good, secret: 'sh0rtsecret' })).toThrow(/secret/);
  });
});
