import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DashboardStore } from '@vigil/dashboard';
import { describeWithSystem } from '../../testing/system.js';
import { startHarness, waitFor, type Harness } from './support/harness.js';

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');
/** Debian's faketime package: preloaded, it shifts what the process reads from the wall clock. */
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const DAY = 24 * 3_600_000;
/** A line is read within a poll (0.2 s) and sent at once; the rest is a busy 2-core machine. */
const SLACK_MS = 5_000;

/**
 * docs/DESIGN.md "Time": real `vigil agent` processes whose wall clock is a day ahead and a day
 * behind (libfaketime; their timers run on the real monotonic clock), against a real broker and
 * ingestor. What they observe must be stored at the real times, live and after an outage.
 */
// The package's program stands for the package: the library beside it is not executable.
describeWithSystem('agents whose clocks are a day off', ['/usr/bin/faketime'], () => {
  let harness: Harness;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await Promise.all(
      children.splice(0).map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(forced);
      }),
    );
    await harness.close();
  });

  /** A `vigil agent` process under FAKETIME, watching its own log with one event and one condition rule. */
  async function skewedAgent(id: string, faketime: string) {
    const dir = join(harness.dir, id);
    mkdirSync(dir, { recursive: true });
    const log = join(dir, 'recorder.log');
    writeFileSync(log, '');
    const rules = join(dir, 'rules.yaml');
    writeFileSync(
      rules,
      stringify({
        rules: [
          { id: 'fail', pattern: 'FAIL (?<n>\\w+)', code: 'archive-move-failed', type: 'event', subject: '{n}', severity: 'error', message: 'move {n} failed' },
          {
            id: 'cam-down',
            pattern: 'CAM (?<cam>\\w+) DOWN',
            code: 'camera-unreachable',
            type: 'condition',
            subject: '{cam}',
            severity: 'error',
            message: 'camera {cam} down',
          },
        ],
      }),
    );
    const config = await harness.writeAgentConfig(id, {
      heartbeatSeconds: 2,
      spool: { ackTimeoutSeconds: 2 },
      logs: { files: [{ glob: `${dir}/*.log` }], presets: [], rulesFile: rules, startAt: 'beginning', pollSeconds: 0.2, rescanSeconds: 1 },
    });
    const child = spawn(process.execPath, [VIGIL, 'agent', '--config', config], {
      env: { ...process.env, LD_PRELOAD: LIBFAKETIME, FAKETIME: faketime, FAKETIME_DONT_FAKE_MONOTONIC: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    /** Appends a line and says when (our clock, the real one). */
    const write = (line: string) => {
      const at = Date.now();
      appendFileSync(log, `${line}\n`);
      return at;
    };
    return { id, write };
  }

  const eventSeen = (id: string, subject: string) => harness.ingestor.db.eventsOf(id, 0).find((e) => e.subject === subject);
  const conditionSince = (id: string, subject: string) => harness.ingestor.db.conditionsOf(id).find((c) => c.subject === subject)?.since;

  it('stores what an agent a day ahead and one a day behind see at the real times, live and after an outage', async () => {
    const agents = [
      { ...(await skewedAgent('rec-ahead', '+1d')), expectedOffset: -DAY, word: 'ahead' },
      { ...(await skewedAgent('rec-behind', '-1d')), expectedOffset: DAY, word: 'behind' },
    ];
    // The offset is known once a birth and a heartbeat have come in live; from then on times are corrected.
    for (const agent of agents) {
      const offset = await waitFor(
        'the agent clock offset',
        () => harness.ingestor.db.clockOffsetOf(agent.id),
        (o) => o !== 0,
        60_000,
      );
      expect(Math.abs(offset - agent.expectedOffset)).toBeLessThan(SLACK_MS);
    }

    // Live: an event and a condition, each stored at the time it was written.
    const live = agents.map((agent) => ({ agent, eventAt: agent.write('FAIL live'), conditionAt: agent.write('CAM gate DOWN') }));
    for (const { agent, eventAt, conditionAt } of live) {
      const event = await waitFor(
        `${agent.id}'s live event`,
        () => eventSeen(agent.id, 'live'),
        (e) => e !== undefined,
        30_000,
      );
      expect(Math.abs(event!.firstSeen - eventAt), `${agent.id} event`).toBeLessThanOrEqual(SLACK_MS);
      const since = await waitFor(
        `${agent.id}'s condition`,
        () => conditionSince(agent.id, 'gate'),
        (s) => s !== undefined,
        30_000,
      );
      expect(Math.abs(since! - conditionAt), `${agent.id} condition`).toBeLessThanOrEqual(SLACK_MS);
    }

    // An outage: what the agents see meanwhile is sent as historical batches once the broker is back.
    await harness.stopBroker();
    const during = agents.map((agent) => ({ agent, eventAt: agent.write('FAIL outage') }));
    await new Promise((r) => setTimeout(r, 1_000)); // read by the agents while the broker is down
    await harness.startBroker();
    for (const { agent, eventAt } of during) {
      const event = await waitFor(
        `${agent.id}'s event from the outage`,
        () => eventSeen(agent.id, 'outage'),
        (e) => e !== undefined,
        60_000,
      );
      expect(Math.abs(event!.firstSeen - eventAt), `${agent.id} historical event`).toBeLessThanOrEqual(SLACK_MS);
    }

    // The time series has them at the same times.
    for (const { agent, eventAt } of [...live, ...during]) {
      // The outbox drains into the time series after the commit; on a loaded machine that can lag.
      const rows = await waitFor(
        `${agent.id}'s two event points in the time series`,
        () =>
          harness.ingestor.telemetry.query({
            measurement: 'event',
            recorder: agent.id,
            field: 'count',
            from: eventAt - 2 * DAY,
            to: eventAt + 2 * DAY,
            where: { kind: 'event' },
          }),
        (r) => r.length >= 2,
        30_000,
      );
      expect(rows.length, `${agent.id} points`).toBe(2);
      expect(rows.some((row) => Math.abs(row.time - eventAt) <= SLACK_MS)).toBe(true);
    }

    // Counted, and shown to people as the recorders' problem (the dashboard reads the read model).
    const metrics = await harness.ingestor.metrics.registry.getSingleMetricAsString('vigil_ingestor_observations_adjusted_total');
    const shifted = Number(/reason="clock-offset"} (\d+)/.exec(metrics)?.[1] ?? 0);
    expect(shifted).toBeGreaterThanOrEqual(6);
    expect(metrics).not.toContain('reason="future-timestamp"');
    const dashboard = new DashboardStore(join(harness.dir, 'dashboard.db'), join(harness.dir, 'fleet.db'));
    try {
      for (const agent of agents) {
        const problems = dashboard.recorderFor({ id: 1, username: 'noc', role: 'admin' }, agent.id)?.problems ?? [];
        expect(problems).toContainEqual(
          expect.objectContaining({ kind: 'condition', code: 'agent-clock-off', message: `agent clock 1 d 0 h ${agent.word}; its times are corrected` }),
        );
      }
    } finally {
      dashboard.close();
    }
  }, 180_000);
});
