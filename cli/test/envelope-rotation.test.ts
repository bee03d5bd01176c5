import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envelopeKeyIdOf } from '@vigil/proto/pki';
import { type FaultAgent, Fleet, waitFor } from '../../test/faults/support/fleet.js';

/**
 * Envelope key rotation as an operator does it (docs/OPERATIONS.md): `vigil pki rotate-envelope-key`
 * under a writing fleet, agents moving to the new key by themselves, then the old key retired, with
 * every observation stored once throughout; and an agent that slept through it all comes back.
 */

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');

function vigil(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [VIGIL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', (status) => done({ status, stdout, stderr }));
  });
}

/** vigil_envelope_opened_total by key id, from the ingestor's /metrics. */
async function openedByKey(fleet: Fleet): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${fleet.ports.ingestorMetrics}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^vigil_envelope_opened_total\{key_id="([0-9a-f]+)",current="(?:true|false)"\} (\d+)/gm)) {
    counts[match[1]!] = Number(match[2]);
  }
  return counts;
}

async function unknownKeyDrops(fleet: Fleet): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${fleet.ports.ingestorMetrics}/metrics`)).text();
  return Number(/^vigil_ingestor_messages_dropped_total\{reason="unknown-recipient-key"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

const switched = (agent: FaultAgent) =>
  agent.process.lines.filter((line) => line.msg === 'the ingestor has a new envelope key; sealing to it from a new session');

let fleet: Fleet | undefined;
afterAll(async () => {
  await fleet?.close();
});

describe('envelope key rotation', () => {
  it('rotates under a writing fleet: agents move to the new key, nothing is lost or doubled, the old key is retired, and an agent that slept through it comes back', async () => {
    const started = Date.now();
    fleet = await Fleet.start('rotation');
    const f = fleet;
    const oldKeyId = f.pki.envelopeKeyId();
    // The sleeper is stopped (gracefully) before the rotation and started only after the old key is gone.
    const [a, b, sleeper] = await Promise.all([f.agent('rot-a'), f.agent('rot-b'), f.agent('rot-sleeper')]);
    const agents = [a!, b!];
    sleeper.writeLines(50);
    expect(await f.settle(sleeper)).toMatchObject({ lost: 0, doubled: 0 });
    await sleeper.process.stop();

    const writers = agents.map((agent) => agent.writeSteadily(25));
    await waitFor(
      'lines stored before the rotation',
      () => agents.map((a) => f.count(a).stored),
      (n) => n.every((stored) => stored >= 20),
      60_000,
    );

    // The ingestor is down while the key changes: what agents send meanwhile is sealed to the old key
    // and waits in the broker for the ingestor's session, to be opened with the previous key.
    await f.ingestor.stop();
    const rotated = await vigil('pki', 'rotate-envelope-key', '--data-dir', f.dataDir);
    expect(rotated.stderr).toBe('');
    expect(rotated.status).toBe(0);
    const newKeyId = f.pki.envelopeKeyId();
    expect(newKeyId).not.toBe(oldKeyId);
    expect(rotated.stdout).toContain(`${newKeyId} is current, ${oldKeyId} moved to pki/envelope-previous/`);
    const previousKey = join(f.dataDir, 'pki', 'envelope-previous', `${oldKeyId}.key`);
    expect(existsSync(previousKey)).toBe(true);
    expect(statSync(previousKey).mode & 0o777).toBe(0o600);
    // New bundles carry the new key.
    await f.pki.issueDevice('rot-new');
    expect(envelopeKeyIdOf(readFileSync(f.pki.device('rot-new').recipientPublicKey, 'utf8'))).toBe(newKeyId);
    await f.ingestor.start();

    for (const agent of agents)
      await waitFor(
        `${agent.id} to move to the new key`,
        () => switched(agent).length,
        (n) => n >= 1,
        60_000,
      );
    // The switch is logged when the agent hears of the key; it moves once its new session is up
    // (what its old session still had in flight went out sealed to the old key before that).
    for (const agent of agents)
      await waitFor(
        `${agent.id} in its new session`,
        () => agent.process.lines.some((l) => l.msg === 'connected' && Number(l.time) > Number(switched(agent)[0]!.time)),
        (up) => up,
        60_000,
      );
    // Each agent now seals to the new key, in a session of its own, and has saved it.
    const movedAt = await openedByKey(f);
    expect(movedAt[oldKeyId]).toBeGreaterThan(0);
    for (const agent of agents) {
      expect(switched(agent)[0]).toMatchObject({ keyId: newKeyId, previousKeyId: oldKeyId });
      expect(envelopeKeyIdOf(readFileSync(join(agent.dataDir, 'recipient.pub.pem'), 'utf8'))).toBe(newKeyId);
    }
    await waitFor(
      'the new key in use',
      () => openedByKey(f),
      (c) => (c[newKeyId] ?? 0) > (movedAt[newKeyId] ?? 0) + 10,
      60_000,
    );
    const inUse = await openedByKey(f);
    for (const writer of writers) writer.stop();
    expect(await f.settleAll(agents)).toMatchObject({ lost: 0, doubled: 0, unexpected: 0 });
    // Nothing more was sealed to the old key once they moved: its count stays where it was.
    const settled = await openedByKey(f);
    expect(settled[oldKeyId]).toBe(inUse[oldKeyId]);

    // Retire the old key, restart the ingestor: it opens with the new key only, and everything flows.
    const [retired, refusedCurrent] = await Promise.all([
      vigil('pki', 'retire-envelope-key', '--all-previous', '--data-dir', f.dataDir),
      vigil('pki', 'retire-envelope-key', newKeyId, '--data-dir', f.dataDir),
    ]);
    expect(retired.stderr).toBe('');
    expect(retired.status).toBe(0);
    expect(readdirSync(join(f.dataDir, 'pki', 'envelope-previous'))).toEqual([]);
    expect(refusedCurrent.status).toBe(2);
    expect(refusedCurrent.stderr).toContain('is the current envelope key');
    await f.ingestor.stop();
    await f.ingestor.start();
    for (const agent of agents) agent.writeLines(100);
    expect(await f.settleAll(agents)).toMatchObject({ lost: 0, doubled: 0, unexpected: 0 });
    expect(Object.keys(await openedByKey(f))).toEqual([newKeyId]);
    expect(await unknownKeyDrops(f)).toBe(0);

    // The sleeper wakes with a backlog, still sealing to the retired key: refused, told the current
    // key, it moves and re-sends its spool; nothing it collected is lost or doubled.
    sleeper.writeLines(50);
    await sleeper.process.start();
    await waitFor(
      'the sleeper to move to the new key',
      () => switched(sleeper).length,
      (n) => n >= 1,
      60_000,
    );
    expect(await f.settle(sleeper)).toMatchObject({ sent: 100, lost: 0, doubled: 0, unexpected: 0 });
    expect(await unknownKeyDrops(f)).toBeGreaterThan(0);
    await waitFor(
      'the sleeper online',
      () => f.recorderState(sleeper.id),
      (s) => s === 'online',
      30_000,
    );
    for (const agent of agents) expect(f.recorderState(agent.id)).toBe('online');
    console.log(`envelope-rotation: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 240_000);
});
