// Opening a session: what the ingestor pays for the first envelope of each new agent session (a
// reconnect storm is thousands of these at once), with the RSA private-key operation in node-rsa
// (how fde304d opened envelopes) and natively in node:crypto (EnvelopeOpener today), side by side.
// Run: npm run bench -- ingest/session-open        (about 30 s)
//
// How: BENCH_SESSIONS envelopes sealed beforehand by EnvelopeSealer, each the first message of its
// own data key and its own recorder id (the shared bench signing key, as in bench/support/fleet-pki.ts),
// then opened on this thread in rounds that alternate the two paths, so a busy neighbour on the
// shared machine slows both alike. "native" is EnvelopeOpener.open itself, twice: "cold" on a fresh
// opener (an ingestor just started: each recorder's registered signing key is parsed once, then kept),
// and "warm" for a second session of recorders the opener has seen (a broker restart: the ingestor
// keeps running and knows every signing key; only the data key is new). "node-rsa" repeats the steps fde304d's open() took for a
// new session, with its calls: decode, SHA-256 digests, node-rsa's verify on the registered signing
// key read from PEM (rsaKey per session, as before), node-rsa's decrypt of the wrapped key (node-rsa 2
// hands OAEP to OpenSSL but exports and re-parses the key as PEM on every call), one AES-GCM open.
import { createDecipheriv, createHash, generateKeyPairSync } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { EnvelopeOpener, EnvelopeSealer } from '@vigil/proto/envelope';
import { vigil } from '@vigil/proto/wire';
import { additionalData, rsaKey, signedPart } from '../../proto/src/envelope/keys.js';
import { median } from '../support/proc.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const rsa = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
const ingestorKey = rsa();
const signing = rsa();
const ids = Array.from({ length: SESSIONS }, (_, n) => `bench-${String(n).padStart(5, '0')}`);
const sealers = ids.map((sender) => new EnvelopeSealer({ sender, signingKeyPem: signing.privateKey, recipientPublicKeyPem: ingestorKey.publicKey }));
const sessionOf = (sealer: EnvelopeSealer) => {
  sealer.rotate();
  return sealer.seal({ heartbeat: { bdSeq: 1, sentAt: Date.now() } }, 1);
};
const sealed = sealers.map(sessionOf);
/** The same recorders' next session (the reconnect after a broker restart). */
const next = sealers.map(sessionOf);

const newOpener = () => new EnvelopeOpener({ recipientPrivateKeyPems: [ingestorKey.privateKey], signingKeyOf: () => signing.publicKey });
let warmOpener = newOpener();

function openNativeCold(): void {
  const opener = newOpener();
  for (let i = 0; i < SESSIONS; i++) opener.open(ids[i]!, sealed[i]!);
  warmOpener = opener;
}

/** Runs right after openNativeCold, on the opener it left. */
function openNativeWarm(): void {
  for (let i = 0; i < SESSIONS; i++) warmOpener.open(ids[i]!, next[i]!);
}

function openNodeRsa(): void {
  const recipient = rsaKey(ingestorKey.privateKey);
  for (let i = 0; i < SESSIONS; i++) {
    const envelope = vigil.v1.Envelope.decode(sealed[i]!);
    createHash('sha256').update(envelope.sender).update(envelope.keyId).update(envelope.wrappedKey).update(envelope.signature).digest('base64');
    createHash('sha256').update(envelope.wrappedKey).digest('base64');
    if (!rsaKey(signing.publicKey).verify(signedPart(envelope.sender, envelope.keyId, envelope.wrappedKey, envelope.sessionStart), envelope.signature)) {
      throw new Error('node-rsa did not verify a valid signature');
    }
    const key = Buffer.from(recipient.decrypt(envelope.wrappedKey));
    const decipher = createDecipheriv('aes-256-gcm', key, envelope.iv);
    decipher.setAAD(additionalData(envelope.sender, envelope.keyId, envelope.seq));
    decipher.setAuthTag(envelope.tag);
    vigil.v1.Payload.decode(Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]));
  }
}

const paths = { 'node-rsa': openNodeRsa, 'native, cold (ingestor start)': openNativeCold, 'native, warm (broker restart)': openNativeWarm } as const;
const msPerSession: Record<keyof typeof paths, number[]> = { 'node-rsa': [], 'native, cold (ingestor start)': [], 'native, warm (broker restart)': [] };
const cpuMsPerSession: Record<keyof typeof paths, number[]> = { 'node-rsa': [], 'native, cold (ingestor start)': [], 'native, warm (broker restart)': [] };
const loadBefore = loadavg()[0]!;
// A short warm-up of both, so neither pays for the JIT.
const warm = SESSIONS;
for (const open of Object.values(paths)) open();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, open] of Object.entries(paths) as Array<[keyof typeof paths, () => void]>) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    open();
    msPerSession[name].push((performance.now() - started) / SESSIONS);
    // CPU time of this thread's work, which a busy neighbour on the shared machine inflates far less than wall time.
    const used = process.cpuUsage(cpu);
    cpuMsPerSession[name].push((used.user + used.system) / 1000 / SESSIONS);
  }
}

console.log(
  `session open: ${SESSIONS.toLocaleString('en')} new sessions (first envelope of a fresh RSA-2048 data key each, distinct recorders), ${ROUNDS} alternating rounds after a warm-up of ${warm.toLocaleString('en')}; ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}:`,
);
console.log(
  '| Path | ms per session (median of rounds) | sessions opened per second | rounds (ms per session) | CPU ms per session | 10,000 sessions on one thread |',
);
console.log('|---|---|---|---|---|---|');
for (const [name, samples] of Object.entries(msPerSession)) {
  const ms = median(samples);
  console.log(
    `| ${name} | ${ms.toFixed(3)} | ${Math.round(1000 / ms).toLocaleString('en')} | ${samples.map((s) => s.toFixed(3)).join(', ')} | ${median(cpuMsPerSession[name as keyof typeof paths]).toFixed(3)} | ${((ms * 10_000) / 1000).toFixed(1)} s |`,
  );
}
const before = median(msPerSession['node-rsa']);
console.log(
  `  native is ${(before / median(msPerSession['native, cold (ingestor start)'])).toFixed(1)}x node-rsa cold, ${(before / median(msPerSession['native, warm (broker restart)'])).toFixed(1)}x warm`,
);
