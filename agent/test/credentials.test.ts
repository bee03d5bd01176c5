import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetPki } from '@vigil/proto/pki';
import { ConfigError, parseAgentConfig } from '../src/index.js';
import { loadCredentials } from '../src/credentials.js';

describe('device credentials are checked before connecting', () => {
  let dir: string;
  let pki: FleetPki;
  let otherFleet: FleetPki;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-creds-'));
    pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    await pki.issueDevice('rec-a');
    await pki.issueDevice('rec-b');
    otherFleet = new FleetPki(join(dir, 'other'));
    await otherFleet.init();
    await otherFleet.issueDevice('rec-a');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const config = (overrides: Record<string, unknown> = {}) =>
    parseAgentConfig(
      {
        recorderId: 'rec-a',
        broker: { url: 'mqtts://127.0.0.1:8883' },
        bundleDir: pki.device('rec-a').dir,
        inventory: { installation: { slc: 'X-1' }, site: { id: 's' } },
        ...overrides,
      },
      'agent.yaml',
      dir,
    );
  const problem = (overrides: Record<string, unknown>) => {
    try {
      loadCredentials(config(overrides), 'agent.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('accepts a bundle from "vigil pki issue"', () => {
    expect(loadCredentials(config(), 'agent.yaml').certificateExpires.getTime()).toBeGreaterThan(Date.now());
  });

  it('names a missing file and the field', () => {
    expect(problem({ tls: { cert: join(dir, 'missing.crt') } })).toMatch(/tls\.cert: cannot read .*missing\.crt \(ENOENT\)/);
  });

  it("refuses another recorder's certificate", () => {
    expect(problem({ tls: { cert: pki.device('rec-b').cert, key: pki.device('rec-b').key } })).toContain(
      'tls.cert: issued to "rec-b", not to recorderId "rec-a"',
    );
  });

  it('refuses a key that does not belong to the certificate', () => {
    expect(problem({ tls: { key: pki.device('rec-b').key } })).toContain('tls.key: does not belong to tls.cert');
  });

  it('refuses a certificate from another fleet', () => {
    expect(problem({ tls: { cert: otherFleet.device('rec-a').cert, key: otherFleet.device('rec-a').key } })).toContain(
      'tls.cert: not signed by the CA in tls.ca',
    );
  });

  it('refuses a certificate where a signing key should be', () => {
    expect(problem({ envelope: { signingKey: pki.device('rec-a').cert } })).toContain('envelope.signingKey: not a PEM private key');
  });
});
