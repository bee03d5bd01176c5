// A fleet PKI for benchmarks with thousands of recorders, kept in os.tmpdir() between runs.
// FleetPki.issueDevice makes a fresh RSA-2048 signing key per recorder (tens of ms each, minutes
// for a large fleet), so bench recorders are issued with issueDeviceForKeys instead: one P-256 TLS
// key and one RSA signing key shared by all of them, each with its own certificate (CN = recorder
// id, current serial in the registry), exactly what the broker and ingestor check. Sharing the
// keys changes nothing they do per connection or per message.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetPki, writeSecret } from '@vigil/proto/pki';

export interface BenchFleet {
  pki: FleetPki;
  /** Recorder ids, `bench-00000` onwards. */
  ids: string[];
}

export const benchRecorderId = (n: number) => `bench-${String(n).padStart(5, '0')}`;

/** The cached PKI with at least `count` recorders issued; the first call of a size takes a while. */
export async function benchFleet(count: number, log: (line: string) => void = () => undefined): Promise<BenchFleet> {
  const pki = new FleetPki(join(tmpdir(), 'vigil-bench-pki-v1'));
  await pki.init();
  const shared = join(pki.dir, 'bench-shared');
  mkdirSync(shared, { recursive: true, mode: 0o700 });
  const tlsKeyPath = join(shared, 'tls.key');
  const tlsPubPath = join(shared, 'tls.pub.pem');
  const signingKeyPath = join(shared, 'signing.key');
  const signingPubPath = join(shared, 'signing.pub.pem');
  if (!existsSync(signingPubPath)) {
    const tls = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const signing = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeSecret(tlsKeyPath, tls.privateKey);
    writeFileSync(tlsPubPath, tls.publicKey);
    writeSecret(signingKeyPath, signing.privateKey);
    writeFileSync(signingPubPath, signing.publicKey);
  }
  const tlsKey = readFileSync(tlsKeyPath, 'utf8');
  const tlsPub = readFileSync(tlsPubPath, 'utf8');
  const signingKey = readFileSync(signingKeyPath, 'utf8');
  const signingPub = readFileSync(signingPubPath, 'utf8');

  const ids = Array.from({ length: count }, (_, n) => benchRecorderId(n));
  const registered = pki.registry().recorders;
  const missing = ids.filter((id) => !registered[id] || !existsSync(pki.device(id).cert));
  if (missing.length > 0) log(`issuing ${missing.length} recorder certificates into ${pki.dir} (kept for later runs)`);
  const started = performance.now();
  for (const id of missing) {
    const bundle = pki.device(id);
    mkdirSync(bundle.dir, { recursive: true, mode: 0o700 });
    const issued = await pki.issueDeviceForKeys(id, tlsPub, signingPub);
    writeSecret(bundle.key, tlsKey);
    writeSecret(bundle.signingKey, signingKey);
    writeFileSync(bundle.ca, issued.ca);
    writeFileSync(bundle.recipientPublicKey, issued.recipientPublicKey);
    writeFileSync(bundle.cert, issued.certificate);
  }
  if (missing.length > 0) log(`issued in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { pki, ids };
}
