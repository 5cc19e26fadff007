import type { Logger } from 'pino';
import { createApplication, type Application } from '../application.js';
import { ConfigurationError } from '../../eventstore/errors.js';
import { loadConfig, type AppConfig } from '../config.js';
import { createLogger } from '../logger.js';

/** Exit codes shared by every command (docs/cli.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A failure the user can act on: printed as one line, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

export interface Runtime {
  config: AppConfig;
  logger: Logger;
}

export function loadRuntime(): Runtime {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
  // Logs go to stderr so that stdout stays for what a command prints (tokens, JSON Lines).
  const logger = createLogger(config.logLevel, process.stderr);
  for (const warning of config.warnings) logger.warn(warning);
  return { config, logger };
}

/** Opens the application for one command and always closes it. */
export async function withApplication<T>(
  runtime: Runtime,
  options: { project: boolean },
  work: (app: Application) => Promise<T>,
): Promise<T> {
  const app = await createApplication(runtime.config, { logger: runtime.logger, project: options.project });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
