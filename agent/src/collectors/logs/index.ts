import { pino, type Logger } from 'pino';
import type { CheckReport, Clock, Collector, CollectorSink, InventoryFacts } from '../types.js';
import type { LogsConfig } from './config.js';
import { ConditionTracker } from './condition-tracker.js';
import { LogGlob } from './globs.js';
import type { OffsetStore } from './offsets.js';
import { LineMatcher, loadLogRules, type LineObservation, type Rule } from './rules.js';
import { scanRecentLines } from './scan.js';
import { Tailer } from './tailer.js';

export { logsConfigSchema, logFileSchema, LOG_ENCODINGS, type LogsConfig, type LogsConfigInput, type LogFileConfig, type LogEncoding } from './config.js';
export { MemoryOffsetStore, fileKeyOf, FIRST_START_KEY, type OffsetStore, type SavedOffset } from './offsets.js';
export {
  LineMatcher,
  RulesError,
  loadLogRules,
  loadPreset,
  loadRulesFile,
  mergeRules,
  parseRules,
  PROBLEM_CODES,
  SEVERITIES,
  type LineObservation,
  type Rule,
  type RulesFile,
} from './rules.js';
export { PRESET_NAMES, presetPath, type PresetName } from './presets.js';
export { scanFile, scanRecentLines, type ScanOptions, type ScanResult } from './scan.js';
export { Tailer, type TailedFile, type TailedFileSpec, type TailerOptions } from './tailer.js';
export { ConditionTracker } from './condition-tracker.js';

export interface LogsCollectorDeps {
  offsets: OffsetStore;
  /** The config file's directory: rulesFile is resolved against it. */
  baseDir: string;
  clock?: Clock;
  logger?: Logger;
}

/** How many of each file's last lines `check` runs through the rules. */
const CHECK_LINES = 1000;

/** Follows log files and turns matching lines into conditions and events, by rules kept as data. */
export class LogsCollector implements Collector {
  readonly name = 'logs';
  private readonly clock: Clock;
  private readonly logger: Logger;
  private tailer: Tailer | undefined;

  constructor(
    private readonly config: LogsConfig,
    private readonly deps: LogsCollectorDeps,
  ) {
    this.clock = deps.clock ?? Date.now;
    this.logger = (deps.logger ?? pino({ level: 'silent' })).child({ collector: 'logs' });
  }

  /** The rules in effect (presets, then the rules file); throws RulesError naming the bad field. */
  rules(): Rule[] {
    return loadLogRules(this.config, this.deps.baseDir);
  }

  async start(sink: CollectorSink): Promise<void> {
    if (this.tailer) throw new Error('logs collector already started');
    const rules = this.rules();
    const matcher = new LineMatcher(rules);
    const conditions = new ConditionTracker();
    const emit = (observation: LineObservation) => {
      if (observation.kind === 'event') {
        sink.emit(observation);
        return;
      }
      if (!conditions.isChange(observation)) return;
      sink.emit(observation);
      conditions.remember(observation);
    };
    const offsets = this.deps.offsets;
    const tailer = new Tailer({
      files: this.config.files,
      // A chunk that fails is read again: the conditions it reported are forgotten with it.
      offsets: {
        load: (key) => offsets.load(key),
        save: (key, saved) => offsets.save(key, saved),
        atomically: <T>(work: () => T): T => conditions.inChunk(() => (offsets.atomically ? offsets.atomically(work) : work())),
      },
      startAt: this.config.startAt,
      maxLineBytes: this.config.maxLineBytes,
      rescanMs: this.config.rescanSeconds * 1000,
      watch: this.config.watch,
      pollMs: this.config.pollSeconds * 1000,
      logger: this.logger,
      onLines: (block) => {
        matcher.scanLines(block, this.clock(), emit);
      },
    });
    this.tailer = tailer;
    this.logger.info({ rules: rules.length, files: this.config.files.map((file) => file.glob) }, 'logs collector starting');
    try {
      await tailer.start();
    } catch (error) {
      this.tailer = undefined;
      await tailer.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const tailer = this.tailer;
    this.tailer = undefined;
    await tailer?.stop();
  }

  /** What the globs match now and how the rules fare on each file's recent lines; saves nothing. */
  async check(): Promise<CheckReport> {
    const lines: string[] = [];
    let ok = true;
    let matcher: LineMatcher | undefined;
    try {
      const rules = this.rules();
      matcher = new LineMatcher(rules);
      const sources = [...this.config.presets.map((preset) => `preset ${preset}`), ...(this.config.rulesFile ? [this.config.rulesFile] : [])];
      lines.push(`${rules.length} rules loaded (${sources.join(', ')})`);
    } catch (error) {
      ok = false;
      lines.push(`rules: ${(error as Error).message}`);
    }
    let fileCount = 0;
    for (const spec of this.config.files) {
      const files = await new LogGlob(spec.glob).list();
      fileCount += files.length;
      lines.push(`${spec.glob}: ${files.length === 0 ? 'no files match (yet)' : `${files.length} file(s)`}`);
      for (const file of files)
        lines.push(`  ${file.path}: ${formatBytes(file.size)}${matcher ? await this.recentMatches(file.path, matcher, spec.encoding) : ''}`);
    }
    if (fileCount === 0) ok = false;
    return { collector: this.name, ok, lines };
  }

  inventory(): InventoryFacts {
    return {};
  }

  private async recentMatches(path: string, matcher: LineMatcher, encoding: LogsConfig['files'][number]['encoding']): Promise<string> {
    const codes = new Map<string, number>();
    try {
      const result = await scanRecentLines(path, matcher, CHECK_LINES, {
        encoding,
        maxLineBytes: this.config.maxLineBytes,
        at: this.clock(),
        onObservation: (observation) => codes.set(observation.code, (codes.get(observation.code) ?? 0) + 1),
      });
      const breakdown = [...codes].map(([code, count]) => `${code} ${count}`).join(', ');
      return `, ${result.matched} of the last ${result.lines} lines match${breakdown ? ` (${breakdown})` : ''}`;
    } catch (error) {
      return `, cannot read: ${(error as Error).message}`;
    }
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
