// Stands in for the ingestor of a 10,000-recorder fleet while GET /api/recorders is measured:
// one fleet.db transaction per heartbeat (last_seen), as the ingestor commits each message,
// at the rate a fleet with 30 s heartbeats sends them. Run by bench/dashboard/recorders.ts.
import { FleetDb } from '@vigil/ingestor';

const [path, countArg, rateArg] = process.argv.slice(2);
const count = Number(countArg);
const perSecond = Number(rateArg);
const fleet = new FleetDb(path!);
let n = 0;
let written = 0;
const tick = 10;
const timer = setInterval(() => {
  for (let i = 0; i < (perSecond * tick) / 1000; i++) {
    const id = `rec-${String(n++ % count).padStart(5, '0')}`;
    fleet.touch(id, Date.now(), n);
    written += 1;
  }
}, tick);
process.on('SIGTERM', () => {
  clearInterval(timer);
  fleet.close();
  process.stdout.write(`${written}\n`);
  process.exit(0);
});
