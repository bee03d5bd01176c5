import { pino, type Logger } from 'pino';
import { FLEET_VARIABLES, misspeltVariables, type Environment, type LogLevel } from '../settings/index.js';

/** The process's logger, first used to warn about variables that look misspelt. */
export function fleetLogger(level: LogLevel, env: Environment): Logger {
  const logger = pino({ name: 'vigil', level });
  for (const { variable, meant } of misspeltVariables(env, FLEET_VARIABLES)) {
    logger.warn({ variable, meant }, `${variable} is set but nothing reads it: did you mean ${meant}?`);
  }
  return logger;
}
