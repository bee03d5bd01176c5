import { afterAll, beforeAll } from 'vitest';
import { startInfluxd, type Influxd } from './influxd.js';

/**
 * A real influxd for the suite being declared: started before its tests with the given databases,
 * destroyed after them. Returns a getter, since the server exists only once beforeAll has run.
 */
export function useInfluxd(databases: string[] = ['vigil']): () => Influxd {
  let influxd: Influxd | undefined;
  beforeAll(async () => {
    influxd = await startInfluxd();
    for (const database of databases) await influxd.createDatabase(database);
  });
  afterAll(async () => {
    await influxd?.destroy();
  });
  return () => {
    if (!influxd) throw new Error('influxd is not started yet: call the getter inside a test or hook');
    return influxd;
  };
}
