import { createPublicKey } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type EnvelopeOpener, keyIdOf, type OpenedEnvelope, UnknownRecipientKeyError } from '@vigil/proto/envelope';

export interface EnvelopeKeyUseOptions {
  opener: Pick<EnvelopeOpener, 'open'>;
  /** The envelope private keys (PEM), the current one first, then the previous ones a rotation kept. */
  privateKeyPems: string[];
  registry: Registry;
  logger: Logger;
  /** Tells one recorder the current public key (an Ack on its ack/{id} topic). */
  tell: (recorderId: string, currentPublicKeyPem: string) => void;
  /** How often one recorder is told at most (its backlog sealed to an old key all asks). Default 5 s. */
  perRecorderEveryMs?: number;
  /** How many recorders are told per second at most, so a rotation moves a large fleet over gradually. Default 50. */
  perSecond?: number;
  now?: () => number;
}

/**
 * Which envelope key each message was sealed to (docs/DESIGN.md "Envelope", key rotation): counted
 * per key id on /metrics with the last time each was used, which tells an operator when a previous
 * key is no longer needed; and an agent that sealed to any key but the current one (a previous
 * key, or one this ingestor does not hold) is told the current public key.
 */
export class EnvelopeKeyUse {
  readonly currentKeyId: string;
  readonly currentPublicKeyPem: string;
  private readonly opened: Counter;
  private readonly lastOpened: Gauge;
  private readonly toldAt = new Map<string, number>();
  private windowStart = 0;
  private toldInWindow = 0;
  private readonly perRecorderEveryMs: number;
  private readonly perSecond: number;
  private readonly now: () => number;

  constructor(private readonly options: EnvelopeKeyUseOptions) {
    const [current, ...previous] = options.privateKeyPems;
    if (current === undefined) throw new Error('at least one envelope private key is required');
    this.currentKeyId = keyIdOf(current).toString('hex');
    this.currentPublicKeyPem = createPublicKey(current).export({ type: 'spki', format: 'pem' }).toString();
    this.perRecorderEveryMs = options.perRecorderEveryMs ?? 5_000;
    this.perSecond = options.perSecond ?? 50;
    this.now = options.now ?? Date.now;
    this.opened = new Counter({
      name: 'vigil_envelope_opened_total',
      help: 'Envelopes opened, by the id of the envelope key they were sealed to (current: "true" for the current key); a previous key whose count stays flat can be retired',
      labelNames: ['key_id', 'current'],
      registers: [options.registry],
    });
    this.lastOpened = new Gauge({
      name: 'vigil_envelope_key_last_opened_timestamp_seconds',
      help: 'When an envelope sealed to this key was last opened (seconds since the epoch; 0: not since this ingestor started)',
      labelNames: ['key_id', 'current'],
      registers: [options.registry],
    });
    const previousIds = previous.map((pem) => keyIdOf(pem).toString('hex'));
    // Every key at 0 from the start, so "no use since the restart" is a value, not a missing series.
    this.opened.inc({ key_id: this.currentKeyId, current: 'true' }, 0);
    this.lastOpened.set({ key_id: this.currentKeyId, current: 'true' }, 0);
    for (const id of previousIds) {
      this.opened.inc({ key_id: id, current: 'false' }, 0);
      this.lastOpened.set({ key_id: id, current: 'false' }, 0);
    }
    options.logger.info({ current: this.currentKeyId, previous: previousIds }, 'envelope keys');
  }

  /** Opens as the opener does, counting each message by key and telling an agent that sealed to another key the current one. */
  open(topicRecorderId: string, bytes: Uint8Array): OpenedEnvelope {
    let opened: OpenedEnvelope;
    try {
      opened = this.options.opener.open(topicRecorderId, bytes);
    } catch (error) {
      // Only the recorder itself may publish under rec/{id}/ (the broker's ACL): telling it our
      // public key lets an agent left on a retired key (or given a wrong one) come back.
      if (error instanceof UnknownRecipientKeyError) this.tellCurrent(topicRecorderId);
      throw error;
    }
    const current = opened.keyId === this.currentKeyId;
    const labels = { key_id: opened.keyId, current: String(current) };
    this.opened.inc(labels);
    this.lastOpened.set(labels, Math.floor(this.now() / 1000));
    if (!current) this.tellCurrent(opened.sender);
    return opened;
  }

  private tellCurrent(recorderId: string): void {
    const now = this.now();
    const last = this.toldAt.get(recorderId);
    if (last !== undefined && now - last < this.perRecorderEveryMs) return;
    if (now - this.windowStart >= 1_000) {
      this.windowStart = now;
      this.toldInWindow = 0;
    }
    // Over the budget: this recorder is told at one of its next messages.
    if (this.toldInWindow >= this.perSecond) return;
    this.toldInWindow++;
    this.toldAt.set(recorderId, now);
    // Forgotten after a while: the map stays as small as the set of recorders moving right now.
    if (this.toldAt.size > 100_000) {
      for (const [id, at] of this.toldAt) if (now - at >= this.perRecorderEveryMs) this.toldAt.delete(id);
    }
    this.options.tell(recorderId, this.currentPublicKeyPem);
  }
}
