import { generateKeyPairSync } from 'node:crypto';
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
});
