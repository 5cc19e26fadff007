import pino, { type Logger } from 'pino';

/**
 * JSON logs. Personal data never belongs in a log line; the redaction below is
 * a second line of defence for fields that might carry it by mistake.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'acredita' },
      redact: {
        paths: ['*.curp', '*.fullName', '*.personalData', 'curp', 'fullName', 'personalData', 'req.headers.authorization', '*.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
