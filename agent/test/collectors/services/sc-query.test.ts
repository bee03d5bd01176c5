import { describe, expect, it } from 'vitest';
import { interpretIsActive, parseScQuery, resolveManager } from '../../../src/collectors/services/index.js';

// Written in the layout `sc query` prints (column alignment, flags line, CRLF endings), in English and
// with the German labels; not captured on this Linux test machine.
const RUNNING = [
  '',
  'SERVICE_NAME: MilestoneRecordingServerService',
  '        TYPE               : 10  WIN32_OWN_PROCESS  ',
  '        STATE              : 4  RUNNING ',
  '                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)',
  '        WIN32_EXIT_CODE    : 0  (0x0)',
  '        SERVICE_EXIT_CODE  : 0  (0x0)',
  '        CHECKPOINT         : 0x0',
  '        WAIT_HINT          : 0x0',
  '',
].join('\r\n');

const STOPPED = RUNNING.replace('STATE              : 4  RUNNING ', 'STATE              : 1  STOPPED ')
  .replace('(STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)', '(NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)')
  .replace('WIN32_EXIT_CODE    : 0  (0x0)', 'WIN32_EXIT_CODE    : 1077  (0x435)');

const START_PENDING = RUNNING.replace('STATE              : 4  RUNNING ', 'STATE              : 2  START_PENDING ').replace(
  'WAIT_HINT          : 0x0',
  'WAIT_HINT          : 0x7d0',
);

const GERMAN_RUNNING = [
  '',
  'SERVICE_NAME: MilestoneEventServerService',
  '        TYP                : 10  WIN32_OWN_PROCESS',
  '        STATUS             : 4  RUNNING',
  '                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)',
  '        WIN32_EXITCODE     : 0  (0x0)',
  '        SERVICE_EXITCODE   : 0  (0x0)',
  '        CHECKPOINT         : 0x0',
  '        WAIT_HINT          : 0x0',
  '',
].join('\r\n');

const NOT_INSTALLED = '[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n\r\n';
const ACCESS_DENIED = '[SC] OpenService FAILED 5:\r\n\r\nAccess is denied.\r\n\r\n';

describe('parseScQuery', () => {
  it('reads the state of a running, a stopped and a starting service', () => {
    expect(parseScQuery(RUNNING)).toEqual({ kind: 'state', code: 4, state: 'RUNNING' });
    expect(parseScQuery(STOPPED)).toEqual({ kind: 'state', code: 1, state: 'STOPPED' });
    expect(parseScQuery(START_PENDING)).toEqual({ kind: 'state', code: 2, state: 'START_PENDING' });
  });

  it('does not depend on the translated field label', () => {
    expect(parseScQuery(GERMAN_RUNNING)).toEqual({ kind: 'state', code: 4, state: 'RUNNING' });
  });

  it('reads sc errors with their code and text', () => {
    expect(parseScQuery(NOT_INSTALLED)).toEqual({ kind: 'error', code: 1060, message: 'The specified service does not exist as an installed service.' });
    expect(parseScQuery(ACCESS_DENIED)).toEqual({ kind: 'error', code: 5, message: 'Access is denied.' });
  });

  it('says so when the output is something else', () => {
    expect(parseScQuery('')).toEqual({ kind: 'unrecognised' });
    expect(parseScQuery('DESCRIPTION:\r\n        Displays the status of a service.')).toEqual({ kind: 'unrecognised' });
  });
});

describe('interpretIsActive', () => {
  it('maps systemctl is-active words; anything else means systemctl could not tell', () => {
    expect(interpretIsActive('active\n')).toBe('running');
    expect(interpretIsActive('reloading\n')).toBe('running');
    expect(interpretIsActive('inactive\n')).toBe('stopped');
    expect(interpretIsActive('failed\n')).toBe('stopped');
    expect(interpretIsActive('activating\n')).toBe('stopped');
    expect(interpretIsActive('')).toBe('unknown');
  });
});

describe('resolveManager', () => {
  it('picks windows on win32, systemd when systemctl exists, else command; an explicit setting wins', () => {
    expect(resolveManager('auto', { platform: 'win32', systemctlOnPath: false })).toBe('windows');
    expect(resolveManager('auto', { platform: 'linux', systemctlOnPath: true })).toBe('systemd');
    expect(resolveManager('auto', { platform: 'linux', systemctlOnPath: false })).toBe('command');
    expect(resolveManager('command', { platform: 'linux', systemctlOnPath: true })).toBe('command');
  });
});
