import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { EnvelopeOpener, EnvelopeSealer, keyIdOf, UnknownRecipientKeyError } from '@vigil/proto/envelope';
import { EnvelopeKeyUse } from '../src/envelope-keys.js';

/** The ingestor's side of an envelope key rotation, with real keys, sealer and opener. */

const rsa = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const current = rsa();
const previous = rsa();
const stranger = rsa();
const signing = rsa();
const hex = (pem: string) => keyIdOf(pem).toString('hex');

function setUp(options: { perSecond?: number } = {}) {
  let now = 1_000_000;
  const told: Array<{ id: string; pem: string }> = [];
  const registry = new Registry();
  const use = new EnvelopeKeyUse({
    opener: new EnvelopeOpener({ recipientPrivateKeyPems: [current.privateKey, previous.privateKey], signingKeyOf: () => signing.publicKey }),
    privateKeyPems: [current.privateKey, previous.privateKey],
    registry,
    logger: pino({ level: 'silent' }),
    tell: (id, pem) => told.push({ id, pem }),
    perSecond: options.perSecond,
    now: () => now,
  });
  const sealer = (id: string, to: string) => new EnvelopeSealer({ sender: id, signingKeyPem: signing.privateKey, recipientPublicKeyPem: to });
  const heartbeat = (s: EnvelopeSealer) => s.seal({ heartbeat: { bdSeq: 1, sentAt: 1 } }, 0);
  const opened = async () => {
    const text = await registry.metrics();
    return Object.fromEntries([...text.matchAll(/^vigil_envelope_opened_total\{key_id="(\w+)",current="(\w+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[3])]));
  };
  return { use, told, sealer, heartbeat, opened, advance: (ms: number) => (now += ms) };
}

describe('envelope keys in use', () => {
  it('counts envelopes per key, and tells only a recorder that sealed to a previous key the current public key', async () => {
    const { use, told, sealer, heartbeat, opened } = setUp();
    expect(await opened()).toEqual({ [hex(current.publicKey)]: 0, [hex(previous.publicKey)]: 0 });
    use.open('rec-new', heartbeat(sealer('rec-new', current.publicKey)));
    expect(told).toEqual([]);
    const opening = use.open('rec-old', heartbeat(sealer('rec-old', previous.publicKey)));
    expect(opening.keyId).toBe(hex(previous.publicKey));
    expect(told).toEqual([{ id: 'rec-old', pem: current.publicKey }]);
    expect(await opened()).toEqual({ [hex(current.publicKey)]: 1, [hex(previous.publicKey)]: 1 });
  });

  it('tells a recorder at most every 5 s however many of its old messages arrive', () => {
    const { use, told, sealer, heartbeat, advance } = setUp();
    const old = sealer('rec-old', previous.publicKey);
    for (let i = 0; i < 20; i++) use.open('rec-old', heartbeat(old));
    expect(told).toHaveLength(1);
    advance(5_000);
    use.open('rec-old', heartbeat(old));
    expect(told).toHaveLength(2);
  });

  it('tells at most `perSecond` recorders a second; the rest are told at a later message', () => {
    const { use, told, sealer, heartbeat, advance } = setUp({ perSecond: 3 });
    const sealers = Array.from({ length: 5 }, (_, i) => sealer(`rec-${i}`, previous.publicKey));
    sealers.forEach((s, i) => use.open(`rec-${i}`, heartbeat(s)));
    expect(told.map((t) => t.id)).toEqual(['rec-0', 'rec-1', 'rec-2']);
    advance(1_000);
    sealers.forEach((s, i) => use.open(`rec-${i}`, heartbeat(s)));
    expect(told.map((t) => t.id)).toEqual(['rec-0', 'rec-1', 'rec-2', 'rec-3', 'rec-4']);
  });

  it('refuses a message sealed to a key it does not hold, and tells that recorder the current key', () => {
    const { use, told, sealer, heartbeat } = setUp();
    expect(() => use.open('rec-lost', heartbeat(sealer('rec-lost', stranger.publicKey)))).toThrow(UnknownRecipientKeyError);
    expect(told).toEqual([{ id: 'rec-lost', pem: current.publicKey }]);
  });
});
