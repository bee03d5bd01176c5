import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { buildCollectors } from './collectors/index.js';
import { MemoryOffsetStore } from './collectors/logs/offsets.js';
import type { AgentConfig } from './config.js';
import { loadCredentials } from './credentials.js';
import { pendingRenewalPaths, readRenewalStatus, renewalUrl } from './renewal.js';

export interface AgentCheck {
  ok: boolean;
  text: string;
}

export interface CheckOptions {
  /** PATH, where `manager: auto` looks for systemctl (the CLI reads it from the environment). */
  searchPath?: string;
}

/**
 * What an installer runs before starting the agent: the config and credentials are valid, and
 * each collector shows what it sees right now. Nothing connects and nothing is saved.
 */
export async function checkAgent(config: AgentConfig, source: string, options: CheckOptions = {}): Promise<AgentCheck> {
  const brokers = config.broker.urls;
  const lines: string[] = [
    brokers.length === 1
      ? `${source}: valid config for recorder "${config.recorderId}", broker ${brokers[0]}`
      : `${source}: valid config for recorder "${config.recorderId}", ${brokers.length} brokers (tried in this order, the next after a failure):`,
    ...(brokers.length === 1 ? [] : brokers.map((url, i) => `  broker ${i + 1}: ${url}`)),
  ];
  let ok = true;
  try {
    const credentials = loadCredentials(config, source);
    lines.push(
      `credentials: device certificate for ${config.recorderId}, signed by the fleet CA, valid until ${credentials.certificateExpires.toISOString().slice(0, 10)}; envelope keys readable`,
    );
    lines.push(renewalLine(config, credentials.certificateExpires));
  } catch (error) {
    ok = false;
    lines.push(`credentials: PROBLEM\n${(error as Error).message}`);
  }
  const collectors = buildCollectors(config, {
    offsets: new MemoryOffsetStore(),
    baseDir: config.configDir,
    logger: pino({ level: 'silent' }),
    ...(options.searchPath === undefined ? {} : { searchPath: options.searchPath }),
  });
  if (collectors.length === 0) lines.push('collectors: none configured (add a logs, disks, services or licences section)');
  for (const collector of collectors) {
    try {
      const report = await collector.check();
      ok &&= report.ok;
      lines.push(`${report.collector}: ${report.ok ? 'ok' : 'PROBLEM'}`, ...report.lines.map((line) => `  ${line}`));
    } catch (error) {
      ok = false;
      lines.push(`${collector.name}: PROBLEM: ${(error as Error).message}`);
    }
  }
  return { ok, text: lines.join('\n') };
}

/** When the certificate runs out, when the agent renews it, and how its last attempt went (<dataDir>/renewal.json). */
function renewalLine(config: AgentConfig, expires: Date, now = Date.now()): string {
  const day = 86_400_000;
  const daysLeft = Math.floor((expires.getTime() - now) / day);
  const lines = [`certificate: expires ${expires.toISOString()} (${daysLeft} days left)`];
  if (config.tls.renewBeforeDays === 0) {
    lines.push('  renewal: off (tls.renewBeforeDays: 0); renew by enrolling again before it expires');
  } else {
    let url: string;
    try {
      url = renewalUrl(config).href;
    } catch {
      url = '(no URL: set tls.renewUrl)';
    }
    const from = new Date(expires.getTime() - config.tls.renewBeforeDays * day);
    lines.push(
      from.getTime() <= now
        ? `  renewal: due now (within tls.renewBeforeDays ${config.tls.renewBeforeDays}); the running agent renews at ${url}`
        : `  renewal: automatic from ${from.toISOString().slice(0, 10)} (tls.renewBeforeDays ${config.tls.renewBeforeDays}) at ${url}`,
    );
  }
  const status = readRenewalStatus(config);
  if (status?.lastRenewedAt) lines.push(`  last renewed: ${status.lastRenewedAt}`);
  if (status?.lastError && (!status.lastRenewedAt || (status.lastErrorAt ?? '') > status.lastRenewedAt))
    lines.push(`  last attempt FAILED at ${status.lastErrorAt}: ${status.lastError}; next try ${status.nextCheckAt ?? 'at the next start'}`);
  const pending = pendingRenewalPaths(config);
  if (existsSync(pending.cert) || existsSync(pending.key)) lines.push('  a renewal was interrupted; the agent finishes or undoes it when it starts');
  return lines.join('\n');
}
