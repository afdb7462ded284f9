import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object: tokens, signatures and
 * authorization headers never reach a log line, whatever the code logging them.
 */
export const REDACTED_PATHS = [
  'authorization',
  'token',
  'secret',
  'password',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.secret',
  '*.password',
  '*.cookie',
  '*["x-hub-signature"]',
  '*["x-hub-signature-256"]',
  '*["x-gitlab-token"]',
  '*["x-ferry-token"]',
  '*.*.authorization',
  '*.*["x-hub-signature-256"]',
  '*.*["x-gitlab-token"]',
];

export function createLogger(o: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: o.level ?? process.env.FERRY_LOG_LEVEL ?? 'info',
      base: { pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    o.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}
