import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboardSettings, ingestorSettings, SettingsError, upSettings } from '../src/index.js';

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');
const dir = mkdtempSync(join(tmpdir(), 'vigil-smtp-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('parsed without an error');
}

const server = { VIGIL_SMTP_URL: 'smtp://mail.example.com', VIGIL_SMTP_FROM: 'Vigil <vigil@example.com>' };

describe('SMTP settings (VIGIL_SMTP_*)', () => {
  it('unset: no mail server, for vigil up and vigil ingestor', () => {
    expect(upSettings.parse({}, {}).smtp).toBeUndefined();
    expect(ingestorSettings.parse({}, {}).smtp).toBeUndefined();
    expect(dashboardSettings.parse({}, {}).smtp).toBeUndefined();
  });

  it('vigil dashboard reads the same settings as the ingestor (monthly service reports go out through them)', () => {
    expect(dashboardSettings.parse({}, server).smtp).toEqual(ingestorSettings.parse({}, server).smtp);
    expect(dashboardSettings.parse({}, server).smtp).toMatchObject({ host: 'mail.example.com', port: 587, from: 'Vigil <vigil@example.com>' });
  });

  it('smtp:// is STARTTLS (required unless said otherwise) on 587, smtps:// is TLS on 465; a login and a CA file are passed on', () => {
    expect(ingestorSettings.parse({}, server).smtp).toEqual({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      startTls: 'require',
      from: 'Vigil <vigil@example.com>',
      timeoutMs: 15_000,
      rejectUnauthorized: true,
    });
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    expect(
      upSettings.parse(
        {},
        {
          VIGIL_SMTP_URL: 'smtps://[2001:db8::25]:2465',
          VIGIL_SMTP_FROM: 'noc@example.com',
          VIGIL_SMTP_USER: 'vigil',
          VIGIL_SMTP_PASSWORD: ' pass word ',
          VIGIL_SMTP_TIMEOUT_MS: '5000',
          VIGIL_SMTP_CA_FILE: ca,
        },
      ).smtp,
    ).toEqual({
      host: '2001:db8::25',
      port: 2465,
      secure: true,
      startTls: 'require',
      user: 'vigil',
      password: ' pass word ',
      from: 'noc@example.com',
      timeoutMs: 5_000,
      tlsCaFile: ca,
      rejectUnauthorized: true,
    });
    expect(ingestorSettings.parse({}, { ...server, VIGIL_SMTP_URL: 'smtp://127.0.0.1:2525', VIGIL_SMTP_STARTTLS: 'off' }).smtp).toMatchObject({
      port: 2525,
      startTls: 'off',
    });
    // A relay on this machine may take a login without TLS.
    expect(
      ingestorSettings.parse(
        {},
        { ...server, VIGIL_SMTP_URL: 'smtp://localhost:25', VIGIL_SMTP_STARTTLS: 'off', VIGIL_SMTP_USER: 'u', VIGIL_SMTP_PASSWORD: 'p' },
      ).smtp,
    ).toMatchObject({ host: 'localhost', user: 'u' });
  });

  it('a bad value names its variable and what is expected; a URL with a login is not echoed', () => {
    expect(failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_URL: 'mail.example.com:587' }))).toBe(
      'VIGIL_SMTP_URL is "mail.example.com:587": expected smtp://host:port (STARTTLS, usually port 587) or smtps://host:port (TLS from the start, usually 465), e.g. smtp://mail.example.com:587',
    );
    const withLogin = failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_URL: 'smtp://vigil:Sup3rS3cret@mail.example.com:587' }));
    expect(withLogin).toBe(
      'VIGIL_SMTP_URL is "smtp://***@mail.example.com:587": expected a URL without a login: put it in VIGIL_SMTP_USER and VIGIL_SMTP_PASSWORD, e.g. smtp://mail.example.com:587',
    );
    expect(failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_STARTTLS: 'yes' }))).toMatch(
      /^VIGIL_SMTP_STARTTLS is "yes": expected require \(STARTTLS or no mail\), opportunistic \(STARTTLS when the server offers it\) or off/,
    );
    expect(failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_TIMEOUT_MS: '500' }))).toBe(
      'VIGIL_SMTP_TIMEOUT_MS is "500": expected milliseconds from 1000 to 120000, e.g. 15000',
    );
    expect(failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_FROM: 'Vigil' }))).toMatch(
      /^VIGIL_SMTP_FROM is "Vigil": expected an e-mail address/,
    );
    expect(failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_CA_FILE: join(dir, 'missing.pem') }))).toMatch(
      /^VIGIL_SMTP_CA_FILE is ".*missing\.pem": expected a PEM file this process can read/,
    );
  });

  it('values that only work together are checked together, naming the variables and the fix; the password never shows', () => {
    const password = 'Sup3r-S3cret-pa55';
    expect(failure(() => upSettings.parse({}, { VIGIL_SMTP_USER: 'vigil', VIGIL_SMTP_PASSWORD: password }))).toBe(
      'VIGIL_SMTP_USER, VIGIL_SMTP_PASSWORD are set but VIGIL_SMTP_URL is not: set VIGIL_SMTP_URL to your mail server, e.g. smtp://mail.example.com:587, or unset VIGIL_SMTP_USER, VIGIL_SMTP_PASSWORD',
    );
    expect(failure(() => ingestorSettings.parse({}, { VIGIL_SMTP_URL: 'smtp://mail.example.com' }))).toBe(
      'VIGIL_SMTP_FROM is not set: e-mail needs a sender address the mail server accepts, e.g. Vigil <vigil@example.com>',
    );
    expect(failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_PASSWORD: password }))).toBe(
      'VIGIL_SMTP_PASSWORD is set but VIGIL_SMTP_USER is not: set both for a server that wants a login, or neither',
    );
    expect(failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_USER: 'vigil' }))).toBe(
      'VIGIL_SMTP_USER is set but VIGIL_SMTP_PASSWORD is not: set both for a server that wants a login, or neither',
    );
    expect(failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_URL: 'smtps://mail.example.com', VIGIL_SMTP_STARTTLS: 'off' }))).toBe(
      'VIGIL_SMTP_STARTTLS is "off" but VIGIL_SMTP_URL is smtps://, which is TLS from the first byte: unset VIGIL_SMTP_STARTTLS, or use smtp:// for a server without TLS',
    );
    const clear = failure(() => ingestorSettings.parse({}, { ...server, VIGIL_SMTP_STARTTLS: 'off', VIGIL_SMTP_USER: 'vigil', VIGIL_SMTP_PASSWORD: password }));
    expect(clear).toBe(
      'VIGIL_SMTP_STARTTLS is "off" with VIGIL_SMTP_USER set: the password would cross the network to mail.example.com unencrypted; use require (or smtps://)',
    );
    // Several at once, one per line.
    const both = failure(() => ingestorSettings.parse({}, { VIGIL_SMTP_URL: 'smtp://mail.example.com', VIGIL_SMTP_PASSWORD: password }));
    expect(both.split('\nvigil: ')).toHaveLength(2);
    for (const message of [clear, both]) expect(message).not.toContain(password);
  });

  it('vigil ingestor stops before starting, exit code 2, without printing the password', () => {
    const password = 'Sup3r-S3cret-pa55';
    const run = spawnSync(process.execPath, [VIGIL, 'ingestor', '--data-dir', dir], {
      env: { PATH: process.env.PATH, VIGIL_SMTP_URL: 'smtp://mail.example.com', VIGIL_SMTP_PASSWORD: password },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('vigil: VIGIL_SMTP_FROM is not set');
    expect(run.stderr).toContain('vigil: VIGIL_SMTP_PASSWORD is set but VIGIL_SMTP_USER is not');
    expect(`${run.stdout}${run.stderr}`).not.toContain(password);
  });
});
