import type { AlertNotice, Notification } from '../../../src/index.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

/** One firing alert of a drive filling up on a recorder of Acme Retail's Store 12. */
export function driveFull(overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    id: 7,
    ruleId: 3,
    ruleName: 'Disks nearly full',
    state: 'firing',
    severity: 'critical',
    summary: 'drive-full on D:\\ (96.1 %)',
    conditionKey: 'problem:drive-full',
    target: { kind: 'recorder', id: 'rec-001' },
    recorder: { id: 'rec-001', name: 'rec-001' },
    site: { id: 'store-12', name: 'Store 12' },
    installation: { slc: 'M01-C01-111-11-111111', name: 'Acme Retail' },
    since: T0,
    resolvedAt: null,
    link: 'https://vigil.example.com/#/recorders/rec-001',
    ...overrides,
  };
}

export function notification(alerts: AlertNotice[], overrides: Partial<Notification> = {}): Notification {
  return { id: 42, kind: 'firing', createdAt: T0 + 5_000, alerts, ...overrides };
}

/** Three recorders of one site down at once: what grouping sends as one notification. */
export function threeDown(): Notification {
  const down = (n: number): AlertNotice =>
    driveFull({
      id: 10 + n,
      ruleName: 'Recorder down',
      severity: 'error',
      summary: `recorder rec-00${n} unavailable`,
      conditionKey: 'problem:recorder-unavailable',
      target: { kind: 'recorder', id: `rec-00${n}` },
      recorder: { id: `rec-00${n}`, name: `Till ${n}` },
    });
  return notification([down(1), down(2), down(3)], { id: 43 });
}

/** Names as a hostile or careless agent may report them. */
export function hostileNames(): Notification {
  return notification([
    driveFull({
      recorder: { id: 'rec-666', name: '<script>alert(1)</script>' },
      site: { id: 's', name: 'Store "12" & <b>co</b>\r\nBcc: victim@example.com' },
      installation: { slc: 'M01', name: "O'Brien <img src=x onerror=alert(2)>" },
      summary: 'drive-full on <D:> (96 %)',
      link: 'javascript:alert(3)',
    }),
  ]);
}
