import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BadSignatureError,
  EnvelopeOpener,
  EnvelopeSealer,
  MalformedEnvelopeError,
  OversizedEnvelopeError,
  ReplayedDataKeyError,
  SenderMismatchError,
  TamperedEnvelopeError,
  UnknownRecipientKeyError,
  UnknownSenderError,
} from '@vigil/proto/envelope';
import { soleDataBatchBytes, vigil } from '@vigil/proto/wire';
import { keyIdOf, rsaKey, signDataKey, signedPart, wrapDataKey } from '../src/envelope/keys.js';

const rsa = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

const ingestorKey = rsa();
const signers = { 'rec-a': rsa(), 'rec-b': rsa() } as Record<string, ReturnType<typeof rsa>>;

const sealerFor = (sender: string, signingKeyPem = signers[sender]!.privateKey, recipient = ingestorKey.publicKey) =>
  new EnvelopeSealer({ sender, signingKeyPem, recipientPublicKeyPem: recipient });

const newOpener = (maxEnvelopeBytes?: number) =>
  new EnvelopeOpener({
    recipientPrivateKeyPems: [ingestorKey.privateKey],
    signingKeyOf: (id) => signers[id]?.publicKey,
    ...(maxEnvelopeBytes ? { maxEnvelopeBytes } : {}),
  });

const heartbeat = (bdSeq: number): vigil.v1.IPayload => ({ heartbeat: { bdSeq, sentAt: 1_700_000_000_000 } });

describe('envelope seal/open', () => {
  it('round-trips a payload and binds sender and seq', () => {
    const sealed = sealerFor('rec-a').seal(heartbeat(7), 42);
    const opened = newOpener().open('rec-a', sealed);
    expect(opened.sender).toBe('rec-a');
    expect(opened.seq).toBe(42);
    expect(opened.payload.body).toBe('heartbeat');
    expect(opened.payload.heartbeat?.bdSeq).toBe(7);
  });

  it('does the RSA work once per data key, then only AES-GCM', () => {
    const sealer = sealerFor('rec-a');
    const opener = newOpener();
    for (let seq = 1; seq <= 50; seq++) opener.open('rec-a', sealer.seal(heartbeat(1), seq));
    expect(opener.cachedDataKeys).toBe(1);
    sealer.rotate();
    opener.open('rec-a', sealer.seal(heartbeat(2), 51));
    expect(opener.cachedDataKeys).toBe(2);
  });

  it('rotates the data key when it is older than the limit', () => {
    let now = 1_000_000;
    const sealer = new EnvelopeSealer({
      sender: 'rec-a',
      signingKeyPem: signers['rec-a']!.privateKey,
      recipientPublicKeyPem: ingestorKey.publicKey,
      maxKeyAgeMs: 3_600_000,
      now: () => now,
    });
    const first = vigil.v1.Envelope.decode(sealer.seal(heartbeat(1), 1));
    now += 3_600_000;
    const second = vigil.v1.Envelope.decode(sealer.seal(heartbeat(1), 2));
    expect(Buffer.from(second.wrappedKey).equals(Buffer.from(first.wrappedKey))).toBe(false);
    expect(second.sessionStart).toBe(now);
  });

  it('rejects a tampered ciphertext', () => {
    const envelope = vigil.v1.Envelope.decode(sealerFor('rec-a').seal(heartbeat(1), 1));
    envelope.ciphertext[0] = (envelope.ciphertext[0] ?? 0) ^ 0xff;
    expect(() => newOpener().open('rec-a', vigil.v1.Envelope.encode(envelope).finish())).toThrow(TamperedEnvelopeError);
  });

  it('rejects a changed seq (bound by the AAD)', () => {
    const envelope = vigil.v1.Envelope.decode(sealerFor('rec-a').seal(heartbeat(1), 1));
    envelope.seq = 2;
    expect(() => newOpener().open('rec-a', vigil.v1.Envelope.encode(envelope).finish())).toThrow(TamperedEnvelopeError);
  });

  it('rejects a signature made with another key', () => {
    const impostor = sealerFor('rec-a', rsa().privateKey);
    expect(() => newOpener().open('rec-a', impostor.seal(heartbeat(1), 1))).toThrow(BadSignatureError);
  });

  it('rejects an altered session start (signed)', () => {
    const envelope = vigil.v1.Envelope.decode(sealerFor('rec-a').seal(heartbeat(1), 1));
    envelope.sessionStart += 1;
    expect(() => newOpener().open('rec-a', vigil.v1.Envelope.encode(envelope).finish())).toThrow(BadSignatureError);
  });

  it('an opener that knows the session still checks every signed field of the next message', () => {
    const sealer = sealerFor('rec-a');
    const opener = newOpener();
    opener.open('rec-a', sealer.seal(heartbeat(1), 1));
    const next = () => vigil.v1.Envelope.decode(sealer.seal(heartbeat(1), 2));
    const altered = (change: (envelope: vigil.v1.Envelope) => void) => {
      const envelope = next();
      change(envelope);
      return vigil.v1.Envelope.encode(envelope).finish();
    };
    expect(() =>
      opener.open(
        'rec-a',
        altered((e) => (e.sessionStart += 1)),
      ),
    ).toThrow(BadSignatureError);
    expect(() =>
      opener.open(
        'rec-a',
        altered((e) => (e.signature = Buffer.from(e.signature).fill(1, 0, 1))),
      ),
    ).toThrow(BadSignatureError);
    expect(() =>
      opener.open(
        'rec-a',
        altered((e) => (e.wrappedKey = Buffer.from(e.wrappedKey).fill(1, 0, 1))),
      ),
    ).toThrow(BadSignatureError);
    // And after the refusals, the real session still opens.
    expect(opener.open('rec-a', sealer.seal(heartbeat(3), 3)).payload.heartbeat?.bdSeq).toBe(3);
  });

  it('finds the encoded data batch in a payload that holds only that', () => {
    const data = { spoolEpoch: 'e', services: [{ name: 'VMS', running: true, at: 5 }] };
    const only = vigil.v1.Payload.encode({ data }).finish();
    const bytes = soleDataBatchBytes(Buffer.from(only));
    expect(bytes && vigil.v1.DataBatch.toObject(vigil.v1.DataBatch.decode(bytes))).toEqual(vigil.v1.DataBatch.toObject(vigil.v1.DataBatch.fromObject(data)));
    // Two data fields merge when decoded: not one batch's bytes.
    expect(soleDataBatchBytes(Buffer.concat([only, only]))).toBeUndefined();
    expect(soleDataBatchBytes(Buffer.from(vigil.v1.Payload.encode(heartbeat(1)).finish()))).toBeUndefined();
    expect(soleDataBatchBytes(Buffer.alloc(0))).toBeUndefined();
    expect(soleDataBatchBytes(Buffer.from([0x22, 0x7f]))).toBeUndefined(); // truncated
  });

  it("rejects a sender that is not the topic's recorder", () => {
    const sealed = sealerFor('rec-a').seal(heartbeat(1), 1);
    expect(() => newOpener().open('rec-b', sealed)).toThrow(SenderMismatchError);
  });

  it('rejects a data key wrapped for an unknown recipient key', () => {
    const sealed = sealerFor('rec-a', signers['rec-a']!.privateKey, rsa().publicKey).seal(heartbeat(1), 1);
    expect(() => newOpener().open('rec-a', sealed)).toThrow(UnknownRecipientKeyError);
  });

  it('rejects a sender with no registered signing key', () => {
    const stranger = rsa();
    const sealed = new EnvelopeSealer({ sender: 'rec-x', signingKeyPem: stranger.privateKey, recipientPublicKeyPem: ingestorKey.publicKey }).seal(
      heartbeat(1),
      1,
    );
    expect(() => newOpener().open('rec-x', sealed)).toThrow(UnknownSenderError);
  });

  it('rejects a truncated envelope', () => {
    const sealed = sealerFor('rec-a').seal(heartbeat(1), 1);
    for (const cut of [1, 10, sealed.length - 40, sealed.length - 1]) {
      expect(() => newOpener().open('rec-a', sealed.subarray(0, cut))).toThrow(MalformedEnvelopeError);
    }
  });

  it('rejects bytes that are not an envelope at all', () => {
    expect(() => newOpener().open('rec-a', Buffer.from('{"hello":"world"}'))).toThrow(MalformedEnvelopeError);
  });

  it('rejects an oversized envelope before decoding it', () => {
    const sealed = sealerFor('rec-a').seal(heartbeat(1), 1);
    expect(() => newOpener(sealed.length - 1).open('rec-a', sealed)).toThrow(OversizedEnvelopeError);
  });

  it("rejects another sender replaying a recorder's data key", () => {
    const opener = newOpener();
    const original = vigil.v1.Envelope.decode(sealerFor('rec-a').seal(heartbeat(1), 1));
    opener.open('rec-a', vigil.v1.Envelope.encode(original).finish());
    // rec-b copies rec-a's wrapped key and signs it as its own
    const replay = vigil.v1.Envelope.decode(sealerFor('rec-b').seal(heartbeat(1), 1));
    replay.wrappedKey = original.wrappedKey;
    expect(() => opener.open('rec-b', vigil.v1.Envelope.encode(replay).finish())).toThrow(ReplayedDataKeyError);
  });

  it('every rejection carries a stable reason for metrics', () => {
    const sealed = sealerFor('rec-a').seal(heartbeat(1), 1);
    try {
      newOpener().open('rec-b', sealed);
      expect.unreachable();
    } catch (error) {
      expect((error as SenderMismatchError).reason).toBe('sender-mismatch');
    }
  });

  it('refuses a signed wrapped key that does not unwrap to a 32-byte data key as tampered', () => {
    // Only the holder of the signing key can produce these: a broken or hostile agent, not a third party.
    const sender = 'rec-a';
    const signer = createPrivateKey(signers[sender]!.privateKey);
    const keyId = keyIdOf(ingestorKey.publicKey);
    const forged = (wrappedKey: Uint8Array) => {
      const envelope = vigil.v1.Envelope.decode(sealerFor(sender).seal(heartbeat(1), 1));
      envelope.wrappedKey = wrappedKey;
      envelope.signature = signDataKey(signer, signedPart(sender, keyId, wrappedKey, envelope.sessionStart));
      return vigil.v1.Envelope.encode(envelope).finish();
    };
    const notOaep = randomBytes(256);
    const shortKey = wrapDataKey(createPrivateKey(ingestorKey.privateKey), randomBytes(16));
    const shortCiphertext = randomBytes(100);
    for (const wrappedKey of [notOaep, shortKey, shortCiphertext]) {
      expect(() => newOpener().open(sender, forged(wrappedKey))).toThrow(TamperedEnvelopeError);
    }
  });

  it('refuses a signature of the wrong length, and a registered signing key that is not a key, as bad-signature', () => {
    const envelope = vigil.v1.Envelope.decode(sealerFor('rec-a').seal(heartbeat(1), 1));
    envelope.signature = Buffer.from(envelope.signature).subarray(0, 100);
    expect(() => newOpener().open('rec-a', vigil.v1.Envelope.encode(envelope).finish())).toThrow(BadSignatureError);
    const garbled = new EnvelopeOpener({
      recipientPrivateKeyPems: [ingestorKey.privateKey],
      signingKeyOf: () => '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
    });
    expect(() => garbled.open('rec-a', sealerFor('rec-a').seal(heartbeat(1), 1))).toThrow(BadSignatureError);
  });

  it('follows a re-registered signing key: the old key no longer verifies a new session', () => {
    let registered = signers['rec-a']!.publicKey;
    const opener = new EnvelopeOpener({ recipientPrivateKeyPems: [ingestorKey.privateKey], signingKeyOf: () => registered });
    opener.open('rec-a', sealerFor('rec-a').seal(heartbeat(1), 1));
    const replacement = rsa();
    registered = replacement.publicKey;
    expect(() => opener.open('rec-a', sealerFor('rec-a').seal(heartbeat(2), 1))).toThrow(BadSignatureError);
    expect(opener.open('rec-a', sealerFor('rec-a', replacement.privateKey).seal(heartbeat(3), 1)).payload.heartbeat?.bdSeq).toBe(3);
  });

  it('names the setting when a recipient key is not a private key', () => {
    expect(() => new EnvelopeOpener({ recipientPrivateKeyPems: [ingestorKey.publicKey], signingKeyOf: () => undefined })).toThrow(
      /recipientPrivateKeyPems\[0\]/,
    );
    expect(() => new EnvelopeSealer({ sender: 'rec-a', signingKeyPem: signers['rec-a']!.publicKey, recipientPublicKeyPem: ingestorKey.publicKey })).toThrow(
      /signingKeyPem must be an RSA private key/,
    );
  });
});

/**
 * Envelopes sealed by the agent as it was before the envelope's RSA moved to node:crypto (node-rsa
 * wrapped and signed): a fleet upgraded on the ingestor side first must keep opening them, and
 * refuse them for the same reasons.
 */
describe('envelopes sealed with node-rsa (agents before the native RSA path)', () => {
  interface Fixture {
    sender: string;
    ingestorPrivateKeyPem: string;
    ingestorPublicKeyPem: string;
    signerPublicKeyPem: string;
    signerPrivateKeyPem: string;
    envelopes: Array<{ seq: number; bdSeq: number; base64: string }>;
  }
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/node-rsa-sealed.json', import.meta.url), 'utf8')) as Fixture;
  const legacy = fixture.envelopes.map((e) => ({ ...e, bytes: Buffer.from(e.base64, 'base64') }));
  const openerFor = (signingKeyOf: (id: string) => string | undefined = (id) => (id === fixture.sender ? fixture.signerPublicKeyPem : undefined)) =>
    new EnvelopeOpener({ recipientPrivateKeyPems: [fixture.ingestorPrivateKeyPem], signingKeyOf });
  const altered = (bytes: Buffer, change: (envelope: vigil.v1.Envelope) => void) => {
    // A copy: decoded bytes fields are views into the buffer, and the fixture must stay intact.
    const envelope = vigil.v1.Envelope.decode(Buffer.from(bytes));
    change(envelope);
    return vigil.v1.Envelope.encode(envelope).finish();
  };

  it('opens them unchanged, one RSA unwrap per session', () => {
    const opener = openerFor();
    for (const { bytes, seq, bdSeq } of legacy) {
      const opened = opener.open(fixture.sender, bytes);
      expect(opened.seq).toBe(seq);
      expect(opened.payload.heartbeat?.bdSeq).toBe(bdSeq);
    }
    expect(opener.cachedDataKeys).toBe(2);
  });

  it('refuses altered ones for the same reasons as before', () => {
    const first = legacy[0]!.bytes;
    const reasonOf = (open: () => unknown) => {
      try {
        open();
      } catch (error) {
        return (error as { reason?: string }).reason;
      }
      return 'opened';
    };
    expect(
      reasonOf(() =>
        openerFor().open(
          fixture.sender,
          altered(first, (e) => (e.ciphertext[0] = (e.ciphertext[0] ?? 0) ^ 1)),
        ),
      ),
    ).toBe('tampered');
    expect(
      reasonOf(() =>
        openerFor().open(
          fixture.sender,
          altered(first, (e) => (e.seq += 1)),
        ),
      ),
    ).toBe('tampered');
    expect(
      reasonOf(() =>
        openerFor().open(
          fixture.sender,
          altered(first, (e) => (e.sessionStart += 1)),
        ),
      ),
    ).toBe('bad-signature');
    expect(
      reasonOf(() =>
        openerFor().open(
          fixture.sender,
          altered(first, (e) => (e.wrappedKey = Buffer.from(e.wrappedKey).fill(0, 0, 1))),
        ),
      ),
    ).toBe('bad-signature');
    expect(reasonOf(() => openerFor(() => rsa().publicKey).open(fixture.sender, first))).toBe('bad-signature');
    expect(reasonOf(() => openerFor(() => undefined).open(fixture.sender, first))).toBe('unknown-sender');
    expect(reasonOf(() => openerFor().open('rec-other', first))).toBe('sender-mismatch');
    expect(reasonOf(() => newOpener().open(fixture.sender, first))).toBe('unknown-recipient-key');
    expect(reasonOf(() => openerFor().open(fixture.sender, first.subarray(0, first.length - 1)))).toBe('malformed');
    expect(reasonOf(() => openerFor().open(fixture.sender, first))).toBe('opened');
  });

  it("and what today's sealer makes opens with node-rsa's own decrypt and verify (the contract both sides hold)", () => {
    const sealer = new EnvelopeSealer({
      sender: fixture.sender,
      signingKeyPem: fixture.signerPrivateKeyPem,
      recipientPublicKeyPem: fixture.ingestorPublicKeyPem,
    });
    const envelope = vigil.v1.Envelope.decode(sealer.seal(heartbeat(9), 1));
    const signed = signedPart(envelope.sender, envelope.keyId, envelope.wrappedKey, envelope.sessionStart);
    expect(rsaKey(fixture.signerPublicKeyPem).verify(signed, envelope.signature)).toBe(true);
    expect(Buffer.from(rsaKey(fixture.ingestorPrivateKeyPem).decrypt(envelope.wrappedKey)).length).toBe(32);
  });
});
