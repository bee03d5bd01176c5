import type { Logger } from 'pino';
import { DisksCollector, type StatfsFunction } from './disks/index.js';
import { LicencesCollector } from './licences/index.js';
import { LogsCollector, type OffsetStore } from './logs/index.js';
import { ServicesCollector } from './services/index.js';
import type { Clock, Collector } from './types.js';
import type { AgentConfig } from '../config.js';

export interface CollectorDeps {
  /** Log offsets, kept in the spool's database so they commit with the lines' observations. */
  offsets: OffsetStore;
  /** The config file's folder: relative paths in collector sections resolve against it. */
  baseDir: string;
  logger: Logger;
  clock?: Clock;
  /** PATH, where the services collector's `manager: auto` looks for systemctl; see ServicesCollectorOptions. */
  searchPath?: string;
  /** Only for tests and the demo's stand-in drives. */
  statfs?: StatfsFunction;
}

/** One collector per section present in the agent config. */
export function buildCollectors(config: AgentConfig, deps: CollectorDeps): Collector[] {
  const common = { baseDir: deps.baseDir, ...(deps.clock ? { clock: deps.clock } : {}) };
  const logger = (name: string) => deps.logger.child({ collector: name });
  const collectors: Collector[] = [];
  if (config.logs) collectors.push(new LogsCollector(config.logs, { ...common, offsets: deps.offsets, logger: logger('logs') }));
  if (config.disks) collectors.push(new DisksCollector(config.disks, { ...common, logger: logger('disks'), ...(deps.statfs ? { statfs: deps.statfs } : {}) }));
  if (config.services) {
    collectors.push(
      new ServicesCollector(config.services, {
        ...common,
        logger: logger('services'),
        ...(deps.searchPath === undefined ? {} : { searchPath: deps.searchPath }),
      }),
    );
  }
  if (config.licences) collectors.push(new LicencesCollector(config.licences, { ...common, logger: logger('licences') }));
  return collectors;
}
