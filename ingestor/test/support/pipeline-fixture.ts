import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { EnvelopeOpener, EnvelopeSealer } from '@vigil/proto/envelope';
import { topics, type vigil } from '@vigil/proto/wire';
import { FleetDb } from '../../src/registry/fleet-db.js';
import { buildPipeline, type Pipeline, type PipelineDeps } from '../../src/pipeline/build.js';
import type { Outlets, SpoolPosition } from '../../src/pipeline/effects.js';
import type { DropReason } from '../../src/pipeline/message.js';
import type { StateChange } from '../../src/state/fleet-state.js';

const rsa = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

/** Keys made once per test file: RSA generation is slow. */
const ingestorKey = rsa();
const signingKeys = new Map<string, ReturnType<typeof rsa>>();
const signingKeyOf = (id: string) => {
  let key = signingKeys.get(id);
  if (!key) signingKeys.set(id, (key = rsa()));
  return key;
};

/** An effect the pipeline let out, in the order it did. */
export type Effect =
  | { kind: 'ack'; recorderId: string; position: SpoolPosition }
  | { kind: 'state'; change: StateChange }
  | { kind: 'announce'; recorderId: string }
  | { kind: 'site'; siteId: string; unreachable: boolean }
  | { kind: 'spool-overflow'; recorderId: string; dropped: number }
  | { kind: 'duplicate' }
  | { kind: 'historical' }
  | { kind: 'adjusted'; reasons: readonly string[] }
  | { kind: 'clock-offset'; recorderId: string; previousMs: number; currentMs: number }
  | { kind: 'stale-death'; recorderId: string };

/**
 * The ingestor's message path without MQTT: a real fleet.db in a temp dir, real sealed envelopes,
 * and Outlets that record what reaches the outside and when.
 */
export function pipelineFixture(options: Partial<Pick<PipelineDeps, 'groupCommit' | 'isLive' | 'problemLifetimes'>> & { registered?: string[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pipeline-'));
  const dbPath = join(dir, 'fleet.db');
  const db = new FleetDb(dbPath);
  let now = Date.UTC(2026, 2, 1, 12);
  const registered = new Set(options.registered ?? ['rec-a', 'rec-b', 'rec-c']);
  const opener = new EnvelopeOpener({
    recipientPrivateKeyPems: [ingestorKey.privateKey],
    signingKeyOf: (id) => (registered.has(id) ? signingKeyOf(id).publicKey : undefined),
  });
  const effects: Effect[] = [];
  const dataStored: Array<{ recorderId: string; historical: boolean }> = [];
  const drops: Array<{ reason: DropReason; topic: string }> = [];
  let lost = 0;
  const commits: number[] = [];
  let pipeline: Pipeline;
  const outlets: Outlets = {
    ack: (recorderId, position) => effects.push({ kind: 'ack', recorderId, position }),
    stateChanged: (change) => effects.push({ kind: 'state', change }),
    announceCurrent: (recorderId) => effects.push({ kind: 'announce', recorderId }),
    siteChanged: (change) => effects.push({ kind: 'site', siteId: change.siteId, unreachable: change.unreachable }),
    // Kept apart: the alerts stage's input, which the tests of the other effects need not list.
    dataStored: (recorderId, historical) => dataStored.push({ recorderId, historical }),
    spoolOverflowed: (recorderId, { spoolFull, diskFull }) =>
      effects.push({ kind: 'spool-overflow', recorderId, dropped: spoolFull.readings + spoolFull.events + diskFull.readings + diskFull.events }),
    duplicateBatch: () => effects.push({ kind: 'duplicate' }),
    historicalBatch: () => effects.push({ kind: 'historical' }),
    adjusted: (reasons) => effects.push({ kind: 'adjusted', reasons }),
    clockOffsetChanged: (recorderId, change) => effects.push({ kind: 'clock-offset', recorderId, ...change }),
    staleDeath: (recorderId) => effects.push({ kind: 'stale-death', recorderId }),
  };
  const build = () =>
    buildPipeline({
      db,
      opener,
      outlets,
      counters: {
        received: () => undefined,
        processed: () => undefined,
        dropped: (reason, topic) => drops.push({ reason, topic }),
        lost: (messages) => (lost += messages),
      },
      logger: pino({ level: 'silent' }),
      // Groups commit when the test says so (or at maxMessages).
      groupCommit: { maxMessages: 10_000, maxDelayMs: 3_600_000, ...options.groupCommit },
      onCommitted: (messages) => commits.push(messages),
      clock: () => now,
      isLive: options.isLive,
      problemLifetimes: options.problemLifetimes,
    });
  pipeline = build();
  const sealers = new Map<string, EnvelopeSealer>();
  const sealerOf = (id: string) => {
    let sealer = sealers.get(id);
    if (!sealer)
      sealers.set(id, (sealer = new EnvelopeSealer({ sender: id, signingKeyPem: signingKeyOf(id).privateKey, recipientPublicKeyPem: ingestorKey.publicKey })));
    return sealer;
  };
  const seal = (id: string, payload: vigil.v1.IPayload, seq = 0) => Buffer.from(sealerOf(id).seal(payload, seq));

  return {
    dir,
    db,
    get pipeline() {
      return pipeline;
    },
    effects,
    dataStored,
    drops,
    commits,
    get lost() {
      return lost;
    },
    get now() {
      return now;
    },
    advance(ms: number) {
      now += ms;
    },
    seal,
    send(id: string, kind: 'birth' | 'hb' | 'data' | 'death', payload: vigil.v1.IPayload, seq = 0) {
      return pipeline.process(topics.recorder(id, kind), seal(id, payload, seq));
    },
    birth(id: string, site: { installation: string; site: string }, extra: Partial<vigil.v1.IBirth> = {}) {
      return this.send(id, 'birth', {
        birth: {
          bdSeq: 1,
          heartbeatSeconds: 30,
          spoolEpoch: `epoch-${id}`,
          inventory: { recorderName: id, installation: { slc: site.installation, name: site.installation }, site: { id: site.site, name: site.site } },
          ...extra,
        },
      });
    },
    /** The ingestor restarted: from now on messages go through a new pipeline over the same fleet.db. */
    restart() {
      pipeline.commit();
      pipeline = build();
    },
    /** A new pipeline over the same fleet.db, as after a restart: what memory would hold if loaded from the database. */
    reload() {
      pipeline.commit();
      return build();
    },
    close() {
      pipeline.commit();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
