import { describe, expect, it } from 'vitest';
import { emailSubject, emailText } from '../../../src/index.js';
import { driveFull, notification, threeDown } from './fixtures.js';

describe('e-mail subjects name state, severity, problem and place', () => {
  it('one alert, by kind', () => {
    const one = [driveFull()];
    expect(emailSubject(notification(one))).toBe('[Vigil] FIRING critical: drive-full — Acme Retail / Store 12 / rec-001');
    expect(emailSubject(notification(one, { kind: 'repeat' }))).toBe('[Vigil] STILL FIRING critical: drive-full — Acme Retail / Store 12 / rec-001');
    expect(emailSubject(notification([driveFull({ state: 'resolved', resolvedAt: Date.UTC(2025, 5, 1, 13) })], { kind: 'resolved' }))).toBe(
      '[Vigil] RESOLVED critical: drive-full — Acme Retail / Store 12 / rec-001',
    );
    expect(emailSubject(notification([], { kind: 'test' }))).toBe('[Vigil] TEST: this channel works');
  });

  it('a site that is unreachable is named by customer and site', () => {
    const site = driveFull({
      conditionKey: 'problem:site-unreachable',
      summary: 'site Store 12 unreachable (3 recorders)',
      target: { kind: 'site', id: 'store-12' },
      recorder: null,
    });
    expect(emailSubject(notification([site]))).toBe('[Vigil] FIRING critical: site-unreachable — Acme Retail / Store 12');
  });

  it('a group says how many and what they share, with the highest severity', () => {
    expect(emailSubject(threeDown())).toBe('[Vigil] FIRING error: 3 recorders at Acme Retail / Store 12: recorder-unavailable');
    const [a, b] = threeDown().alerts;
    if (!a || !b) throw new Error('fixture');
    const otherSite = { ...b, site: { id: 'store-14', name: 'Store 14' }, severity: 'critical' as const };
    expect(emailSubject(notification([a, otherSite]))).toBe('[Vigil] FIRING critical: 2 recorders at Acme Retail: recorder-unavailable');
    const otherCustomer = { ...b, installation: { slc: 'M02', name: 'Bolt Bank' } };
    expect(emailSubject(notification([a, otherCustomer, driveFull()]))).toBe('[Vigil] FIRING critical: 3 recorders: recorder-unavailable, drive-full');
    const site = driveFull({ conditionKey: 'problem:site-unreachable', target: { kind: 'site', id: 'store-12' }, recorder: null, severity: 'error' });
    expect(emailSubject(notification([site, a]))).toBe(
      '[Vigil] FIRING error: 1 site and 1 recorder at Acme Retail / Store 12: site-unreachable, recorder-unavailable',
    );
  });

  it('a name cannot break the subject onto a second header line, and long names are cut', () => {
    const subject = emailSubject(notification([driveFull({ site: { id: 's', name: `Store\r\nBcc: x@example.com${'y'.repeat(300)}` } })]));
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain('Store Bcc: x@example.com');
    expect(subject.length).toBeLessThan(300);
  });

  it('the text lists the resolved time and no link that is not a web page', () => {
    const text = emailText(
      notification([driveFull({ state: 'resolved', resolvedAt: Date.UTC(2025, 5, 1, 13, 30), link: 'javascript:alert(1)' })], { kind: 'resolved' }),
    );
    expect(text).toContain('RESOLVED critical: drive-full — Acme Retail / Store 12 / rec-001');
    expect(text).toContain('Resolved:  2025-06-01 13:30:00 UTC');
    expect(text).not.toContain('javascript');
    expect(text).not.toContain('Open:');
  });
});
