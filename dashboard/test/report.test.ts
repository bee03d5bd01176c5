import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetDb, type SmtpSettings } from '@vigil/ingestor';
import { buildDashboard, type Dashboard } from '../src/index.js';
import { csvCell } from '../src/report.js';
import { reportPdf } from '../src/report-pdf.js';
import type { ServiceReport } from '../src/report.js';
import { ALPHA, as, birth, BRAVO, logIn, startFixture, type Fixture, type Session } from './support/fixture.js';

/**
 * The monthly service report of a known month (March 2026, UTC) written into fleet.db with
 * FleetDb's own methods: its figures, its CSV and PDF, its tenancy, and its subscription sent
 * through a real SMTP server once, across a restart, on a clock the test moves.
 */

const H = 3_600_000;
const D = 24 * H;
const MARCH = Date.UTC(2026, 2, 1);
const APRIL = Date.UTC(2026, 3, 1);
const MONTH_MS = APRIL - MARCH; // 744 h
const HQ = { id: 'alpha-hq', name: 'Alpha HQ' };
const DEPOT = { id: 'alpha-depot', name: 'Alpha Depot' };
const MALL = { id: 'bravo-mall', name: 'Bravo Mall' };
/** A recorder name a spreadsheet would run as a formula, with a comma and quotes. */
const HOSTILE = '=HYPERLINK("http://evil"), "x"';

function seedMarch(path: string): void {
  const fleet = new FleetDb(path);
  fleet.transaction(() => {
    const born = (facts: Parameters<typeof fleet.recordBirth>[0]) => {
      fleet.recordBirth(facts);
      fleet.setState(facts.id, 'online', MARCH - 9 * D);
      fleet.touch(facts.id, APRIL + D, 1);
    };
    born(birth('a-rec-1', ALPHA, HQ));
    born(birth('a-rec-2', ALPHA, HQ, { cameraCount: 14, licensedCameras: 12 }));
    born(birth('a-rec-3', ALPHA, DEPOT, { name: HOSTILE }));
    born(birth('b-rec-1', BRAVO, MALL));
    // a-rec-1 offline 6 h on the 11th; a-rec-2 stopped (maintenance) 2 h on the 21st; Bob's down a whole day.
    fleet.setState('a-rec-1', 'offline', MARCH + 10 * D);
    fleet.setState('a-rec-1', 'online', MARCH + 10 * D + 6 * H);
    fleet.setState('a-rec-2', 'stopped', MARCH + 20 * D);
    fleet.setState('a-rec-2', 'online', MARCH + 20 * D + 2 * H);
    fleet.setState('b-rec-1', 'offline', MARCH + 5 * D);
    fleet.setState('b-rec-1', 'online', MARCH + 6 * D);
    // Problems: drive full twice (3 h, 1 h), a camera from the last hour of February to 01:00 on the 1st, a fatal archive error 4 times.
    const condition = (recorderId: string, code: string, subject: string, from: number, to: number) => {
      const base = { recorderId, code, subject, severity: 'critical' as const, message: `${code} ${subject}` };
      fleet.applyCondition({ ...base, active: true, at: from });
      fleet.applyCondition({ ...base, active: false, at: to });
    };
    condition('a-rec-1', 'drive-full', 'E:\\', MARCH + D, MARCH + D + 3 * H);
    condition('a-rec-1', 'drive-full', 'E:\\', MARCH + 15 * D, MARCH + 15 * D + H);
    condition('a-rec-2', 'camera-unreachable', 'cam-3', MARCH - H, MARCH + H);
    condition('b-rec-1', 'licence-overrun', 'bravo-licence', MARCH + 3 * D, MARCH + 4 * D);
    fleet.recordEvent(
      {
        recorderId: 'a-rec-3',
        code: 'archive-fatal-error',
        subject: 'archive-7',
        severity: 'error',
        message: 'fatal error',
        firstSeen: MARCH + 2 * D,
        lastSeen: MARCH + 2 * D + 10 * 60_000,
        count: 4,
      },
      H,
      Date.now(),
    );
    fleet.recordDisk({ recorderId: 'a-rec-1', path: 'E:\\', totalBytes: 1_000_000, freeBytes: 250_000, at: APRIL - H });
  });
  fleet.close();
}

let fx: Fixture;
let alice: Session;
let bob: Session;
let noc: Session;

beforeAll(async () => {
  fx = await startFixture({ seed: seedMarch, dashboard: { reports: { tickMs: 0 } } });
  alice = await logIn(fx.dashboard, 'alice');
  bob = await logIn(fx.dashboard, 'bob');
  noc = await logIn(fx.dashboard, 'noc');
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

describe('service report of a known month', () => {
  it('adds up availability per installation, site and recorder, lists outages and counts problems by kind', async () => {
    const res = await as(fx.dashboard, alice, 'GET', `/api/reports/${ALPHA.slc}/2026-03`);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<ServiceReport>();
    expect(report).toMatchObject({ slc: ALPHA.slc, installationName: ALPHA.name, reseller: 'alice', month: '2026-03', monthLabel: 'March 2026' });
    expect(report).toMatchObject({ timezone: 'UTC', from: MARCH, to: APRIL, partial: false });
    // Three recorders of 744 h: 6 h down, 2 h planned (neither way).
    const up = 3 * MONTH_MS - 6 * H - 2 * H;
    expect(report.availability).toEqual({ recorders: 3, upMs: up, downMs: 6 * H, plannedMs: 2 * H, availablePercent: (up / (up + 6 * H)) * 100 });
    expect(report.availability.availablePercent).toBeCloseTo(99.7309, 3);
    expect(report.sites.map((s) => [s.name, s.recorders, s.downMs])).toEqual([
      ['Alpha Depot', 1, 0],
      ['Alpha HQ', 2, 6 * H],
    ]);
    expect(report.sites[0]!.availablePercent).toBe(100);
    const a1 = report.recorders.find((r) => r.id === 'a-rec-1')!;
    expect(a1.availablePercent).toBeCloseTo((738 / 744) * 100, 6);
    expect(report.outages.map((o) => [o.recorderId, o.state, o.start, o.durationMs, o.counted, o.recorderName])).toEqual([
      ['a-rec-1', 'offline', MARCH + 10 * D, 6 * H, true, 'Recorder a-rec-1'],
      ['a-rec-2', 'stopped', MARCH + 20 * D, 2 * H, false, 'Recorder a-rec-2'],
    ]);
    expect(report.problems.map((p) => [p.code, p.episodes, p.occurrences, p.totalMs])).toEqual([
      ['drive-full', 2, 2, 4 * H],
      ['camera-unreachable', 1, 1, H], // clipped to the month: raised on the last day of February
      ['archive-fatal-error', 1, 4, H + 10 * 60_000],
    ]);
    expect(report.drives).toEqual([
      expect.objectContaining({ recorderId: 'a-rec-1', path: 'E:\\', usedPercent: 75, freePercent: 25, lowestFreePercent: null, daysToFull: null }),
    ]);
    expect(report.licences).toMatchObject({ cameras: 34, licensed: 36, unlicensed: 2 });
    // Nothing of Bob's installation in Alice's report.
    expect(res.body).not.toMatch(/bravo|b-rec/i);
  });

  it('NOC gets any installation, naming the reseller that holds it', async () => {
    const report = (await as(fx.dashboard, noc, 'GET', `/api/reports/${BRAVO.slc}/2026-03`)).json<ServiceReport>();
    expect(report.reseller).toBe('bob');
    expect(report.availability.downMs).toBe(D);
    expect(report.problems.map((p) => p.code)).toEqual(['licence-overrun']);
  });

  it('another reseller’s installation answers 404 exactly like one that does not exist, in every format', async () => {
    for (const suffix of ['', '.pdf', '.csv']) {
      const bobs = await as(fx.dashboard, alice, 'GET', `/api/reports/${BRAVO.slc}/2026-03${suffix}`);
      const none = await as(fx.dashboard, alice, 'GET', `/api/reports/SLC-NOPE-0009/2026-03${suffix}`);
      expect(bobs.statusCode, suffix).toBe(404);
      expect(none.statusCode).toBe(404);
      expect(bobs.body.replace(BRAVO.slc, 'X')).toBe(none.body.replace('SLC-NOPE-0009', 'X'));
      expect((await as(fx.dashboard, bob, 'GET', `/api/reports/${BRAVO.slc}/2026-03${suffix}`)).statusCode).toBe(200);
    }
  });

  it('a bad or future month is refused naming the field', async () => {
    const bad = await as(fx.dashboard, alice, 'GET', `/api/reports/${ALPHA.slc}/2026-13`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/month/);
    const future = await as(fx.dashboard, alice, 'GET', `/api/reports/${ALPHA.slc}/2999-01.pdf`);
    expect(future.statusCode).toBe(400);
    expect(future.json<{ error: string }>().error).toMatch(/month: 2999-01 has not started/);
  });

  it('CSV: one table with a section column, RFC 4180 quoting, and no cell a spreadsheet would run as a formula', async () => {
    const res = await as(fx.dashboard, alice, 'GET', `/api/reports/${ALPHA.slc}/2026-03.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="vigil-report-${ALPHA.slc}-2026-03.csv"`);
    const lines = res.body.split('\r\n');
    expect(lines.at(-1)).toBe('');
    const header = lines[0]!.split(',');
    expect(header[0]).toBe('section');
    const rows = lines.slice(1, -1).map(parseCsvLine);
    for (const row of rows) expect(row).toHaveLength(header.length);
    const col = (name: string) => header.indexOf(name);
    expect(rows.map((r) => r[0])).toEqual(expect.arrayContaining(['installation', 'site', 'recorder', 'outage', 'problem', 'drive', 'licence']));
    const installation = rows.find((r) => r[0] === 'installation')!;
    expect(Number(installation[col('available_percent')])).toBeCloseTo(99.73, 2);
    expect(rows.filter((r) => r[0] === 'outage').map((r) => [r[col('recorder_id')], r[col('state')], r[col('duration_min')]])).toEqual([
      ['a-rec-1', 'offline', '360'],
      ['a-rec-2', 'stopped', '120'],
    ]);
    expect(rows.filter((r) => r[0] === 'problem').map((r) => [r[col('item')], r[col('count')]])).toEqual([
      ['drive-full', '2'],
      ['camera-unreachable', '1'],
      ['archive-fatal-error', '1'],
    ]);
    // The hostile recorder name: quoted (comma, quotes) and defused with a leading '.
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil""), ""x"""`);
    const names = rows.filter((r) => r[col('recorder_id')] === 'a-rec-3').map((r) => r[col('recorder')]);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toBe(`'${HOSTILE}`);
    for (const row of rows) for (const cell of row) expect(cell, cell).not.toMatch(/^[=+@\t\r]/);
  });

  it('csvCell: formula prefixes on text, numbers as numbers, line breaks quoted', () => {
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
  });

  it('PDF: A4, with the installation, the month, UTC and the availability figure (pdftotext)', async () => {
    const res = await as(fx.dashboard, alice, 'GET', `/api/reports/${ALPHA.slc}/2026-03.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="vigil-report-${ALPHA.slc}-2026-03.pdf"`);
    const text = pdfText(res.rawPayload);
    expect(text).toContain('Vigil');
    expect(text).toContain(ALPHA.name);
    expect(text).toContain(ALPHA.slc);
    expect(text).toContain('March 2026');
    expect(text).toContain('UTC');
    expect(text).toContain('99.73 %');
    expect(text).toContain('Provided by alice');
    expect(text).toMatch(/drive-full/);
    expect(text).not.toMatch(/bravo/i);
    const info = pdfInfo(res.rawPayload);
    expect(info).toMatch(/Page size:\s+595(\.\d+)? x 841(\.\d+)? pts \(A4\)/);
  });
});

describe('service report PDF layout', () => {
  it('a long month breaks onto A4 pages with the table header repeated and a footer on each', async () => {
    const report = (await as(fx.dashboard, alice, 'GET', `/api/reports/${ALPHA.slc}/2026-03`)).json<ServiceReport>();
    const outage = report.outages[0]!;
    const many = {
      ...report,
      outages: Array.from({ length: 120 }, (_, i) => ({ ...outage, start: outage.start + i * H, end: outage.start + i * H + 60_000 })),
    };
    const pdf = await reportPdf(many);
    const pages = Number(/Pages:\s+(\d+)/.exec(pdfInfo(pdf))![1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    const text = pdfText(pdf)
      .split('\f')
      .filter((page) => page.trim() !== '');
    expect(text).toHaveLength(pages);
    for (const [i, page] of text.entries()) {
      expect(page, `page ${i + 1}`).toContain(`page ${i + 1} of ${pages}`);
      if (i > 0 && i < pages - 1) expect(page, `page ${i + 1}`).toMatch(/Recorder\s+State\s+From\s+To\s+Duration/);
    }
    expect(text.join('').match(/Offline/g)?.length).toBe(120);
  });
});

// ---- subscriptions ------------------------------------------------------------------------------

interface Delivered {
  to: string[];
  mail: ParsedMail;
}

async function smtpServer() {
  const delivered: Delivered[] = [];
  let refuse = false;
  const server = new SMTPServer({
    logger: false,
    closeTimeout: 200,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refuse) return callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          delivered.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        }, callback);
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    delivered,
    refuse(value: boolean) {
      refuse = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('monthly report subscription by e-mail', () => {
  it('sends last month’s PDF on the 1st once, across a restart; a failure is shown, retried, and crashes nothing', async () => {
    const smtp = await smtpServer();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-report-mail-'));
    const settings: SmtpSettings = {
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      startTls: 'off',
      from: 'Vigil <vigil@noc.example.com>',
      timeoutMs: 5_000,
      rejectUnauthorized: true,
    };
    let clock = MARCH + 14 * D; // subscribed mid-March
    const open = () =>
      buildDashboard({
        dashboardDbPath: join(fx.dir, 'dashboard.db'),
        fleetDbPath: join(fx.dir, 'fleet.db'),
        brokerUrl: 'mqtts://127.0.0.1:9',
        tls: fx.pki.service('dashboard'),
        logger: pino({ level: 'silent' }),
        map: { tilesUrl: null, attribution: 'offline' },
        smtp: settings,
        reports: { now: () => clock, tickMs: 0, retryMs: 10 * 60_000 },
      });
    let d: Dashboard = await open();
    try {
      const aliceHere = await logIn(d, 'alice');
      const bobHere = await logIn(d, 'bob');
      const made = await as(d, aliceHere, 'POST', '/api/report-subscriptions', { slc: ALPHA.slc, to: ['customer@alpha.example', 'ops@alpha.example'] });
      expect(made.statusCode, made.body).toBe(201);
      const id = made.json<{ id: number }>().id;
      // Bob cannot subscribe to, see, send or remove Alice's.
      expect((await as(d, bobHere, 'POST', '/api/report-subscriptions', { slc: ALPHA.slc, to: ['x@bravo.example'] })).statusCode).toBe(404);
      expect((await as(d, bobHere, 'GET', '/api/report-subscriptions')).json<{ subscriptions: unknown[] }>().subscriptions).toEqual([]);
      expect((await as(d, bobHere, 'POST', `/api/report-subscriptions/${id}/send`, {})).statusCode).toBe(404);
      expect((await as(d, bobHere, 'DELETE', `/api/report-subscriptions/${id}`)).statusCode).toBe(404);
      const bad = await as(d, aliceHere, 'POST', '/api/report-subscriptions', { slc: ALPHA.slc, to: ['not an address'] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ error: string }>().error).toMatch(/to\/0: expected an e-mail address/);

      // Still March: nothing is due.
      await d.reportMailer.tick();
      expect(smtp.delivered).toHaveLength(0);

      // 1 April 00:05 UTC, the server refuses for now: the error is on the subscription, nothing crashed.
      clock = APRIL + 5 * 60_000;
      smtp.refuse(true);
      await d.reportMailer.tick();
      const failed = (await as(d, aliceHere, 'GET', '/api/report-subscriptions')).json<{ subscriptions: Array<{ lastError: string | null }> }>();
      expect(failed.subscriptions[0]!.lastError).toMatch(/451/);
      // Not again before the retry delay...
      smtp.refuse(false);
      clock += 5 * 60_000;
      await d.reportMailer.tick();
      expect(smtp.delivered).toHaveLength(0);
      // ...then sent.
      clock += 6 * 60_000;
      await d.reportMailer.tick();
      expect(smtp.delivered).toHaveLength(1);
      const [mail] = smtp.delivered;
      expect(mail!.to.sort()).toEqual(['customer@alpha.example', 'ops@alpha.example']);
      expect(mail!.mail.subject).toBe(`Vigil service report: ${ALPHA.name} (${ALPHA.slc}), March 2026`);
      expect(mail!.mail.text).toContain('99.73 %');
      expect(mail!.mail.attachments).toHaveLength(1);
      const attachment = mail!.mail.attachments[0]!;
      expect(attachment.contentType).toBe('application/pdf');
      expect(attachment.filename).toBe(`vigil-report-${ALPHA.slc}-2026-03.pdf`);
      const text = pdfText(attachment.content);
      expect(text).toContain(ALPHA.name);
      expect(text).toContain('March 2026');
      expect(text).toContain('99.73 %');
      const after = (await as(d, aliceHere, 'GET', '/api/report-subscriptions')).json<{
        subscriptions: Array<{ lastError: string | null; lastSentMonth: string }>;
      }>();
      expect(after.subscriptions[0]).toMatchObject({ lastError: null, lastSentMonth: '2026-03' });

      // Later that day and after a restart: not again.
      clock += H;
      await d.reportMailer.tick();
      await d.app.close();
      d = await open();
      await d.reportMailer.tick();
      expect(smtp.delivered).toHaveLength(1);

      // "Send now" sends at once, whatever the schedule.
      const again = await logIn(d, 'alice');
      const sent = await as(d, again, 'POST', `/api/report-subscriptions/${id}/send`, {});
      expect(sent.statusCode, sent.body).toBe(200);
      expect(sent.json<{ lastError: string | null }>().lastError).toBeNull();
      expect(smtp.delivered).toHaveLength(2);

      // 1 May: April's report, once.
      clock = Date.UTC(2026, 4, 1, 0, 1);
      await d.reportMailer.tick();
      await d.reportMailer.tick();
      expect(smtp.delivered).toHaveLength(3);
      expect(smtp.delivered[2]!.mail.subject).toContain('April 2026');
      expect((await as(d, again, 'DELETE', `/api/report-subscriptions/${id}`)).statusCode).toBe(204);
    } finally {
      await d.app.close();
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('without a mail server, sending says so on the subscription', async () => {
    const made = await as(fx.dashboard, alice, 'POST', '/api/report-subscriptions', { slc: ALPHA.slc, to: ['customer@alpha.example'] });
    expect(made.statusCode).toBe(201);
    const sent = await as(fx.dashboard, alice, 'POST', `/api/report-subscriptions/${made.json<{ id: number }>().id}/send`, { month: '2026-03' });
    expect(sent.statusCode).toBe(200);
    expect(sent.json<{ lastError: string }>().lastError).toMatch(/VIGIL_SMTP_HOST/);
  });
});

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pdfInfo(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One CSV line (no line breaks inside cells in this report), RFC 4180 quotes undone. */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
