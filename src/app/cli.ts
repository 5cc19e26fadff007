/**
 * `acredita`: the command line (docs/cli.md). Every command reads the same
 * environment as the server (docs/operations.md) and exits 0 on success,
 * 1 when the work failed (tampered log, rejected rows), 2 on bad usage or configuration.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { AcreditaError } from '../domain/shared/errors.js';
import { ConfigurationError } from '../eventstore/errors.js';
import { CliError, EXIT, loadRuntime } from './cli/runtime.js';

// Commands load their modules on demand: `acredita token` should not pay for GraphQL and the stores.

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
    const [{ serveUntilSignalled }, { createApplication }] = await Promise.all([import('./cli/serve.js'), import('./application.js')]);
    await serveUntilSignalled(runtime, await createApplication(runtime.config, { logger: runtime.logger }));
  });

program
  .command('demo')
  .description('Seed the Tijuana 2018 scenario through the domain commands (idempotent), then serve.')
  .action(async () => (await import('./cli/demo.js')).demo(loadRuntime()));

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
    const { makeToken } = await import('./cli/token.js');
    process.stdout.write(`${await makeToken(options, config.jwtSecret, config.maxTokenTtlSeconds)}\n`);
  });

program
  .command('rebuild')
  .description('Drop and replay read models from the event log, with a progress bar.')
  .option('--projection <name...>', 'only these read models (default: all)', [])
  .action(async (options: { projection: string[] }) => (await import('./cli/maintenance.js')).rebuild(loadRuntime(), options.projection));

program
  .command('verify')
  .description('Re-hash the whole log (or one stream) and walk the global chain; with --checkpoint, recompute the tree; exit 1 with the first broken link or divergent size.')
  .option('--stream <id>', 'check one stream only')
  .option('--checkpoint <file>', 'signed checkpoints you kept (GET /log/checkpoint): the log must still extend each')
  .action(async (options: { stream?: string; checkpoint?: string }) => (await import('./cli/checkpoint.js')).verifyLog(loadRuntime(), options));

program
  .command('checkpoint')
  .description("Sign the log's Merkle tree at its head with SIGNING_KEY, keep it and print it (a C2SP signed note) for auditors to keep.")
  .option('--key', "print the log's verifier key instead (as GET /log/key)")
  .option('--new-key', 'print a new SIGNING_KEY for LOG_ORIGIN instead')
  .action(async (options: { key?: boolean; newKey?: boolean }) => (await import('./cli/checkpoint.js')).checkpoint(loadRuntime(), options));

program
  .command('export-audit')
  .description('Write the log as JSON Lines (line 1 describes the export); check it with node docs/verify-export.mjs.')
  .option('--stream <id>', 'one stream only')
  .option('--from <time>', 'recorded at or after (ISO date = start of that UTC day, or date-time)')
  .option('--to <time>', 'recorded at or before (ISO date = end of that UTC day, or date-time)')
  .option('--out <file>', 'write to FILE instead of stdout')
  .action(async (options: { stream?: string; from?: string; to?: string; out?: string }) =>
    (await import('./cli/export-audit.js')).exportAudit(loadRuntime(), options),
  );

program
  .command('import-servants')
  .description('Register the servants of an HR roster CSV (docs/roster-import.md); re-running is harmless.')
  .argument('<file>', 'UTF-8 CSV with a header row')
  .option('--actor <name>', 'recorded as the actor of every registration', 'roster-import@cli')
  .action(async (file: string, options: { actor: string }) =>
    (await import('./cli/maintenance.js')).importServants(loadRuntime(), file, options.actor),
  );

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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
