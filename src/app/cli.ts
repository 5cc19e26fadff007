/**
 * `acredita`: the command line (docs/cli.md). Every command reads the same
 * environment as the server (docs/operations.md) and exits 0 on success,
 * 1 when the work failed (tampered log, rejected rows), 2 on bad usage or configuration.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { AcreditaError } from '../domain/shared/errors.js';
import { ConfigurationError } from '../eventstore/errors.js';
import { demo } from './cli/demo.js';
import { importServants, rebuild, verify } from './cli/maintenance.js';
import { CliError, EXIT, loadRuntime, withApplication } from './cli/runtime.js';
import { serveUntilSignalled } from './cli/serve.js';
import { makeToken } from './cli/token.js';
import { createApplication } from './application.js';

const program = new Command()
  .name('acredita')
  .description('Records and audits the competency certification of public servants.')
  .showHelpAfterError()
  .exitOverride();

program
  .command('serve')
  .description('Serve GraphQL, /health and /metrics on HOST:PORT (default 127.0.0.1:4000).')
  .action(async () => {
    const runtime = loadRuntime();
    await serveUntilSignalled(runtime, await createApplication(runtime.config, { logger: runtime.logger }));
  });

program
  .command('demo')
  .description('Seed the Tijuana 2018 scenario through the domain commands (idempotent), then serve.')
  .action(() => demo(loadRuntime()));

program
  .command('token')
  .description('Print a JWT signed with JWT_SECRET.')
  .requiredOption('--role <role>', 'ADMIN, REGISTRAR, EVALUATOR or AUDITOR')
  .option('--sub <subject>', 'the actor recorded on every event (default <role>@cli)')
  .option('--state <state>', 'required for REGISTRAR, e.g. "Baja California"')
  .option('--municipality <municipality>', 'required for REGISTRAR, e.g. Tijuana')
  .option('--ttl <span>', 'lifetime, e.g. 30m, 1h, 7d', '1h')
  .action(async (options: { role: string; sub?: string; state?: string; municipality?: string; ttl: string }) => {
    const { config } = loadRuntime();
    process.stdout.write(`${await makeToken(options, config.jwtSecret)}\n`);
  });

program
  .command('rebuild')
  .description('Drop and replay read models from the event log, with a progress bar.')
  .option('--projection <name...>', 'only these read models (default: all)', [])
  .action((options: { projection: string[] }) => rebuild(loadRuntime(), options.projection));

program
  .command('verify')
  .description('Re-hash the whole log (or one stream); exit 1 with the first broken link.')
  .option('--stream <id>', 'check one stream only')
  .action((options: { stream?: string }) => verify(loadRuntime(), options.stream));

program
  .command('import-servants')
  .description('Register the servants of an HR roster CSV (docs/roster-import.md); re-running is harmless.')
  .argument('<file>', 'UTF-8 CSV with a header row')
  .option('--actor <name>', 'recorded as the actor of every registration', 'roster-import@cli')
  .action((file: string, options: { actor: string }) => importServants(loadRuntime(), file, options.actor));

/** Exit code and one plain line for anything a command throws. */
function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof CliError) {
    process.stderr.write(`acredita: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof ConfigurationError) {
    process.stderr.write(`acredita: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof AcreditaError) {
    process.stderr.write(`acredita: ${error.code}: ${error.message}\n`);
    return EXIT.failed;
  }
  process.stderr.write(`acredita: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.failed;
}

export { withApplication };

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
