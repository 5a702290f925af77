/**
 * The commands for people (init, info). Protocol verbs never get here: main() serves them first.
 */
import { Command, CommanderError, Option } from 'commander';
import { describeError, isTsstoreError } from './errors.js';
import { HELPER_NAME } from './protocol/messages.js';
import { versionLine } from './protocol/handle.js';
import { runInit } from './commands/init.js';
import { runInfo } from './commands/info.js';
import { runDoctor } from './commands/doctor.js';
import { runMigrate } from './commands/migrate.js';

function program(): Command {
  const cli = new Command(HELPER_NAME)
    .description(
      'Docker credential helper that keeps registry passwords encrypted with OpenPGP.\n' +
        'Docker runs it with one of the protocol verbs: store, get, erase, list, version.',
    )
    .version(versionLine().trim(), '-v, --version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  cli
    .command('init')
    .description('set up the store (a new OpenPGP key on first use) and make Docker use it')
    .addOption(new Option('--backend <name>', 'where secrets are kept').choices(['pgp', 'keyring']))
    .option('--recipient <file...>', "also encrypt to this armored public key (yours or a team member's)")
    .option('--recipient-gpg <keyid...>', 'also encrypt to this key from your GnuPG keyring (exported with gpg)')
    .option('--no-docker-config', 'do not set "credsStore": "tsstore" in Docker\'s config.json')
    .action(async (options: { backend?: 'pgp' | 'keyring'; recipient?: string[]; recipientGpg?: string[]; dockerConfig: boolean }) => {
      await runInit({
        backend: options.backend,
        recipientFiles: options.recipient ?? [],
        recipientGpgKeys: options.recipientGpg ?? [],
        configureDocker: options.dockerConfig,
      });
    });

  cli
    .command('doctor')
    .description("find what is wrong with Docker's login set-up; --fix fixes it")
    .argument('[check...]', 'run only these checks (ids as printed)')
    .option('--fix', 'apply fixes, one at a time, and check again after each')
    .option('--json', 'print one JSON object instead of text')
    .option('--login', 're-run docker login for stored credentials to prove the chain works')
    .action(async (checks: string[], options: { fix?: boolean; json?: boolean; login?: boolean }) => {
      exitCode = await runDoctor({ fix: Boolean(options.fix), json: Boolean(options.json), login: Boolean(options.login), checks });
    });

  cli
    .command('migrate')
    .description('move credentials into tsstore from another helper (pass, secretservice, ...) or from config.json')
    .requiredOption('--from <source>', 'a helper name (docker-credential-NAME) or "config"')
    .option('--dry-run', 'show what would move, change nothing')
    .action(async (options: { from: string; dryRun?: boolean }) => {
      exitCode = await runMigrate({ from: options.from, dryRun: Boolean(options.dryRun) });
    });

  cli
    .command('info')
    .description('show the backend in use, where its data lives and how many credentials it holds')
    .action(async () => {
      await runInfo();
    });

  return cli;
}

/** Set by commands whose outcome is not just success (doctor: problems left). */
let exitCode = 0;

export async function runCli(args: readonly string[]): Promise<number> {
  exitCode = 0;
  const cli = program();
  try {
    if (args.length === 0) {
      cli.outputHelp();
      return 1;
    }
    await cli.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (process.env.TSSTORE_DEBUG && !isTsstoreError(error)) console.error(error);
    process.stderr.write(`${HELPER_NAME}: ${describeError(error)}\n`);
    return 1;
  }
}
