import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { X509Certificate } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '@vigil/broker';
import { enrollmentTokenDigest, FleetPki } from '@vigil/proto/pki';

const run = promisify(execFile);
const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');

describe('enrollment with a one-time token (no CA access on the recorder host)', () => {
  let dir: string;
  let pki: FleetPki;
  let broker: RunningBroker;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-enroll-'));
    pki = new FleetPki(join(dir, 'data', 'pki'));
    await pki.init();
    broker = await startBroker({ port: 0, tls: pki.broker(), registryPath: pki.registryPath, enrollment: { port: 0, pki }, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const enroll = (token: string, recorderId: string, out: string) =>
    run(process.execPath, [
      VIGIL,
      'agent',
      'enroll',
      '--url',
      `https://127.0.0.1:${broker.enrollPort}`,
      '--token',
      token,
      '--recorder-id',
      recorderId,
      '--ca',
      pki.caCertPath,
      '--out',
      out,
    ]);

  it('vigil pki token + vigil agent enroll give a working bundle whose keys never left the host; the token is then spent', async () => {
    const { stdout } = await run(process.execPath, [VIGIL, 'pki', 'token', 'rec-new', '--data-dir', join(dir, 'data')]);
    const token = /(vgl_\S+)/.exec(stdout)?.[1];
    expect(token).toBeDefined();

    const out = join(dir, 'bundle');
    const result = await enroll(token!, 'rec-new', out);
    expect(result.stdout).toContain('enrolled rec-new');
    expect(statSync(join(out, 'device.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, 'signing.key')).mode & 0o777).toBe(0o600);
    expect(new X509Certificate(readFileSync(join(out, 'device.crt'))).subject).toContain('CN=rec-new');
    expect(pki.signingKeyOf('rec-new')).toContain('BEGIN PUBLIC KEY');
    // the broker's record for the dashboard: which recorder this token enrolled (never the token itself)
    expect(pki.enrollmentRedemption(enrollmentTokenDigest(token!))).toEqual({ recorderId: 'rec-new', redeemedAt: expect.any(String) });
    expect(readdirSync(join(dir, 'data', 'pki', 'enrollment-redeemed')).join()).not.toContain(token!);

    const client = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
      clientId: 'rec-new',
      cert: readFileSync(join(out, 'device.crt')),
      key: readFileSync(join(out, 'device.key')),
      ca: readFileSync(join(out, 'ca.crt')),
      reconnectPeriod: 0,
    });
    await client.publishAsync('vigil/v1/rec/rec-new/hb', 'enrolled', { qos: 1 });
    await client.endAsync();

    await expect(enroll(token!, 'rec-new', join(dir, 'again'))).rejects.toThrow(/token already used/);
  });

  it('refuses a token for another recorder, an expired one, a made-up one and a truncated one', async () => {
    const forOther = pki.createEnrollmentToken('rec-other');
    // The same words as for a made-up token: the answer does not tell that the token exists.
    const notValid = /not valid for recorder "rec-thief"; check it, or make a new one with "vigil pki token rec-thief"/;
    await expect(enroll(forOther, 'rec-thief', join(dir, 'x'))).rejects.toThrow(notValid);
    const expired = pki.createEnrollmentToken('rec-late', 1_000, Date.now() - 10_000);
    await expect(enroll(expired, 'rec-late', join(dir, 'y'))).rejects.toThrow(/token expired/);
    await expect(enroll(`vgl_${'m'.repeat(32)}`, 'rec-thief', join(dir, 'z'))).rejects.toThrow(notValid);
    await expect(enroll(forOther.slice(0, -3), 'rec-other', join(dir, 'w'))).rejects.toThrow(/token is not one "vigil pki token" makes .*copy it whole/);
    // None of these spent the token for rec-other, nor left a record of an enrolment.
    expect(pki.enrollmentRedemption(enrollmentTokenDigest(forOther))).toBeUndefined();
    expect(pki.enrollmentRedemption(enrollmentTokenDigest(expired))).toBeUndefined();
    const result = await enroll(forOther, 'rec-other', join(dir, 'other'));
    expect(result.stdout).toContain('enrolled rec-other');
  });
});

describe('enrollment.json shared by several writers', () => {
  it('loses no token when processes add tokens at the same time (the file is changed under a lock)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-enroll-lock-'));
    try {
      const pki = new FleetPki(join(dir, 'pki'));
      await pki.init();
      // Four real processes, each making five tokens as fast as it can, as "vigil pki token" and the dashboard would.
      const script = `import { FleetPki } from '@vigil/proto/pki';
        const pki = new FleetPki(process.argv[1]);
        for (let i = 0; i < 5; i++) console.log(pki.createEnrollmentToken('rec-' + process.argv[2] + '-' + i));`;
      const outputs = await Promise.all(
        [0, 1, 2, 3].map((n) =>
          run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, pki.dir, String(n)], { cwd: resolve(import.meta.dirname, '..') }),
        ),
      );
      const tokens = outputs.flatMap((o) => o.stdout.trim().split('\n'));
      expect(tokens).toHaveLength(20);
      for (const token of tokens) expect(pki.hasEnrollmentToken(enrollmentTokenDigest(token)), token).toBe(true);
      expect(readdirSync(pki.dir).filter((name) => name.startsWith('enrollment.json.'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
