import type { Observation } from './collectors/types.js';

/**
 * Two changes of one condition read within the same millisecond (a raise and its clear in one
 * chunk of log) get distinct times, in the order they were read. The ingestor keeps whichever
 * change is newer by time (FleetDb.applyCondition), and batches can reach it out of order after a
 * broker restart (the first ones lost before it subscribed, then re-sent), so a tie let a re-sent
 * raise undo its clear. Only ties and sub-second steps back are moved; a clock set back by more
 * is left as it is.
 */
export class ConditionClock {
  private readonly last = new Map<string, number>();

  order<O extends Observation>(observation: O): O {
    if (observation.kind !== 'condition') return observation;
    const key = `${observation.code}\u0000${observation.subject}`;
    const last = this.last.get(key);
    const at = last !== undefined && observation.at <= last && last - observation.at < 1_000 ? last + 1 : observation.at;
    this.last.set(key, at);
    return at === observation.at ? observation : { ...observation, at };
  }
}
