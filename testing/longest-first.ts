import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files of each group, longest first (fresh-clone CI runs, 2026-12-04). A fresh clone
 * has no duration cache, so vitest orders by file size: a two-minute fault scenario could start
 * last and run alone while the other workers idle (the scenarios took 233 s at six at a time for
 * 142 s of work each). A file missing here just runs in vitest's own order after these.
 */
const LONGEST = [
  'test/faults/influx-outage',
  'test/faults/alerting-site-outage',
  'test/faults/site-outage',
  'test/faults/alerting-backfill',
  'test/faults/alerting-restart',
  'test/faults/fleet-restart',
  'test/faults/alerting-hanging-smtp',
  'test/faults/network-cut',
  'test/faults/ingestor-standby',
  'test/security/fuzz',
  'cli/test/dashboard-a11y',
  'cli/test/site-outage',
  'cli/test/alerting-page',
  'cli/test/alerting-e2e',
  'cli/test/users-page',
  'cli/test/telemetry.',
  'cli/test/dashboard-page',
  'agent/test/bundle',
  'cli/test/dashboard-filters',
  'cli/test/up.',
];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const i = LONGEST.findIndex((prefix) => file.moduleId.includes(`/${prefix}`));
      return i < 0 ? LONGEST.length : i;
    };
    const group = (file: TestSpecification) => file.project.config.sequence.groupOrder;
    return base
      .map((file, index) => ({ file, index }))
      .sort((a, b) => group(a.file) - group(b.file) || rank(a.file) - rank(b.file) || a.index - b.index)
      .map(({ file }) => file);
  }
}
