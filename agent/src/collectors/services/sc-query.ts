/** The states `sc query` prints after the numeric code (winsvc.h SERVICE_* state names). */
export type WindowsServiceState = 'STOPPED' | 'START_PENDING' | 'STOP_PENDING' | 'RUNNING' | 'CONTINUE_PENDING' | 'PAUSE_PENDING' | 'PAUSED';

export type ScQueryResult =
  | { kind: 'state'; code: number; state: WindowsServiceState }
  /** `[SC] ... FAILED 1060:` and the like; 1060 means no such service is installed. */
  | { kind: 'error'; code: number; message: string }
  | { kind: 'unrecognised' };

export const SC_SERVICE_DOES_NOT_EXIST = 1060;
export const SC_STATE_RUNNING = 4;

/**
 * Reads the output of `sc query <name>`. The field labels are translated on localized Windows
 * ("STATE" is "STATUS" in German), but the numeric code and the English state name after it are
 * not, so the line is found by those.
 */
export function parseScQuery(output: string): ScQueryResult {
  const state = /:\s*(\d+)\s+(STOPPED|START_PENDING|STOP_PENDING|RUNNING|CONTINUE_PENDING|PAUSE_PENDING|PAUSED)\b/.exec(output);
  if (state) return { kind: 'state', code: Number(state[1]), state: state[2] as WindowsServiceState };
  const failure = /FAILED\s+(\d+):?\s*([\s\S]*)/.exec(output);
  if (failure) return { kind: 'error', code: Number(failure[1]), message: failure[2]!.trim().split(/\r?\n/).filter(Boolean).join(' ') };
  return { kind: 'unrecognised' };
}
