import PDFDocument from 'pdfkit';
import { durationText, percentText, type ServiceReport, STATE_LABEL, utcText } from './report.js';

/**
 * The service report as an A4 PDF, drawn with pdfkit (pure JavaScript: no browser on the server).
 * Only the PDF standard fonts, so nothing is read from the system; text they cannot encode is
 * replaced rather than garbled.
 */

const INK = '#1b2430';
const MUTED = '#55606e';
const ACCENT = '#0b5cad';
const RULE = '#c9d1db';
const MARGIN = 50;

/** Helvetica's WinAnsi covers Latin-1 and a few more; other characters become '?'. */
const printable = (text: string) => text.replace(/[^\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u20ac]/g, '?');

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

export function reportPdf(report: ServiceReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `Vigil service report ${report.installationName} ${report.monthLabel}`,
      Author: report.reseller ?? 'Vigil',
      Subject: `Service report for ${report.slc}, ${report.monthLabel}`,
      Creator: 'Vigil',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - 20;

  const heading = (text: string) => {
    if (doc.y > bottom() - 80) doc.addPage();
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor(ACCENT).text(printable(text), MARGIN, doc.y);
    doc
      .moveTo(MARGIN, doc.y + 2)
      .lineTo(MARGIN + width, doc.y + 2)
      .strokeColor(RULE)
      .lineWidth(0.5)
      .stroke();
    doc.moveDown(0.5).font('Helvetica').fontSize(9.5).fillColor(INK);
  };
  const note = (text: string) => doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(printable(text), MARGIN, doc.y, { width }).fillColor(INK);

  /** A table that repeats its header on a new page and never splits a row. */
  const table = (columns: Column[], rows: string[][]) => {
    const scale = width / columns.reduce((total, c) => total + c.width, 0);
    const widths = columns.map((c) => c.width * scale);
    const drawRow = (cells: string[], bold: boolean) => {
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5);
      const height = Math.max(...cells.map((cell, i) => doc.heightOfString(printable(cell), { width: widths[i]! - 6 }))) + 5;
      if (doc.y + height > bottom()) {
        doc.addPage();
        if (!bold)
          drawRow(
            columns.map((c) => c.header),
            true,
          );
        doc.font('Helvetica').fontSize(8.5);
      }
      const top = doc.y;
      let x = MARGIN;
      for (const [i, cell] of cells.entries()) {
        doc.fillColor(bold ? MUTED : INK).text(printable(cell), x + 3, top + 2, { width: widths[i]! - 6, align: columns[i]!.align ?? 'left' });
        x += widths[i]!;
      }
      doc
        .moveTo(MARGIN, top + height)
        .lineTo(MARGIN + width, top + height)
        .strokeColor(RULE)
        .lineWidth(0.3)
        .stroke();
      doc.x = MARGIN;
      doc.y = top + height;
    };
    drawRow(
      columns.map((c) => c.header),
      true,
    );
    for (const row of rows) drawRow(row, false);
    doc.fillColor(INK);
  };

  // ---- title block
  doc.font('Helvetica-Bold').fontSize(22).fillColor(ACCENT).text('Vigil', MARGIN, MARGIN, { continued: true });
  doc.font('Helvetica').fontSize(12).fillColor(MUTED).text('   Service report');
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(17).fillColor(INK).text(printable(report.installationName));
  doc
    .font('Helvetica')
    .fontSize(10.5)
    .fillColor(INK)
    .text(printable(`Installation ${report.slc}  ·  ${report.monthLabel}${report.partial ? ' (to date)' : ''}`));
  doc
    .fontSize(9)
    .fillColor(MUTED)
    .text(
      printable(
        `Period ${utcText(report.from)} to ${utcText(report.to)}. All times in UTC. ` +
          `${report.reseller ? `Provided by ${report.reseller}. ` : ''}Generated ${utcText(report.generatedAt)}.`,
      ),
      { width },
    );

  // ---- availability
  heading('Availability');
  doc.font('Helvetica-Bold').fontSize(26).fillColor(INK).text(percentText(report.availability.availablePercent), MARGIN, doc.y);
  note(
    `${report.availability.recorders} recorder(s). Up ${durationText(report.availability.upMs)}, down ${durationText(report.availability.downMs)}, ` +
      `planned stops ${durationText(report.availability.plannedMs)}. Availability is time recording (online or degraded) over time up or down; ` +
      'planned stops and time before a recorder was first heard of count neither way.',
  );
  doc.moveDown(0.5);
  table(
    [
      { header: 'Site', width: 3 },
      { header: 'Recorders', width: 1, align: 'right' },
      { header: 'Availability', width: 1.3, align: 'right' },
      { header: 'Down', width: 1.3, align: 'right' },
    ],
    report.sites.map((s) => [s.name, String(s.recorders), percentText(s.availablePercent), durationText(s.downMs)]),
  );
  doc.moveDown(0.5);
  table(
    [
      { header: 'Recorder', width: 2.5 },
      { header: 'Site', width: 2 },
      { header: 'Availability', width: 1.3, align: 'right' },
      { header: 'Down', width: 1.3, align: 'right' },
    ],
    report.recorders.map((r) => [`${r.name} (${r.id})`, r.siteName, percentText(r.availablePercent), durationText(r.downMs)]),
  );

  // ---- outages
  heading(`Outages (${report.outages.length})`);
  if (report.outages.length === 0) note('No outages this month.');
  else
    table(
      [
        { header: 'Recorder', width: 2.4 },
        { header: 'State', width: 1.4 },
        { header: 'From', width: 1.7 },
        { header: 'To', width: 1.7 },
        { header: 'Duration', width: 1.2, align: 'right' },
      ],
      report.outages.map((o) => [
        o.recorderName,
        STATE_LABEL[o.state] ?? o.state,
        utcText(o.start),
        o.ongoing ? 'ongoing' : utcText(o.end),
        durationText(o.durationMs),
      ]),
    );

  // ---- problems
  heading('Problems by kind');
  if (report.problems.length === 0) note('No problems this month.');
  else
    table(
      [
        { header: 'Problem', width: 2.6 },
        { header: 'Worst severity', width: 1.3 },
        { header: 'Episodes', width: 1, align: 'right' },
        { header: 'Occurrences', width: 1.1, align: 'right' },
        { header: 'Total time', width: 1.3, align: 'right' },
      ],
      report.problems.map((p) => [p.code, p.worstSeverity, String(p.episodes), String(p.occurrences), durationText(p.totalMs)]),
    );

  // ---- drives
  heading('Drive headroom');
  if (report.drives.length === 0) note('No drive readings.');
  else
    table(
      [
        { header: 'Recorder', width: 2 },
        { header: 'Drive', width: 1.6 },
        { header: 'Free now', width: 1, align: 'right' },
        { header: 'Lowest free', width: 1.1, align: 'right' },
        { header: 'Full in', width: 1.1, align: 'right' },
      ],
      report.drives.map((d) => [
        d.recorderName,
        d.path,
        `${d.freePercent.toFixed(1)} %`,
        d.lowestFreePercent === null ? 'n/a' : `${d.lowestFreePercent.toFixed(1)} %`,
        d.daysToFull === null ? 'not filling' : d.daysToFull < 1 ? 'under a day' : `${Math.round(d.daysToFull)} days`,
      ]),
    );

  // ---- licences
  heading('Licence use');
  note(
    `${report.licences.cameras} camera(s), ${report.licences.licensed} licensed` +
      (report.licences.unlicensed > 0 ? `, ${report.licences.unlicensed} without a licence.` : ', all covered.') +
      ' As last reported by each recorder.',
  );
  doc.moveDown(0.3);
  table(
    [
      { header: 'Recorder', width: 3 },
      { header: 'Cameras', width: 1, align: 'right' },
      { header: 'Licensed', width: 1, align: 'right' },
      { header: 'Unlicensed', width: 1, align: 'right' },
    ],
    report.licences.recorders.map((l) => [l.recorderName, String(l.cameras), String(l.licensed), String(l.unlicensed)]),
  );

  // ---- footers, once every page exists
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin; without this pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(MUTED)
      .text(
        printable(`Vigil service report · ${report.installationName} (${report.slc}) · ${report.monthLabel} · page ${i + 1} of ${range.count}`),
        MARGIN,
        doc.page.height - MARGIN,
        {
          width,
          align: 'center',
          lineBreak: false,
        },
      );
  }
  doc.end();
  return done;
}
