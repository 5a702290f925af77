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
import { warn } from './text/output.js';

function program(): Command {
  const cli = new Command(HELPER_NAME)
    .description(
      'Docker credential helper that keeps registry passwords in the OS keyring or encrypted with OpenPGP.\n' +
        'Docker runs it with one of the protocol verbs: store, get, erase, list, version.',
    )
    .version(versionLine().trim(), '-v, --version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  cli
    .command('init')
    .description('set up the store (the OS keyring when one answers unlocked, else a new OpenPGP key) and make Docker use it')
    .addOption(
      new Option('--backend <name>', 'where secrets are kept: keyring (Secret Service, Keychain, Credential Manager) or pgp (encrypted files)').choices([
        'pgp',
        'keyring',
      ]),
    )
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
    .requiredOption('--from <source>', 'a helper name (docker-credential-NAME), "config", or the path of an auth file (podman\'s auth.json)')
    .option('--dry-run', 'show what would move, change nothing')
    .option('--overwrite <registry...>', "replace the login tsstore holds for these registries with the source's")
    .option('--discard <registry...>', "keep tsstore's login for these registries and remove the file's plain-text copy")
    .action(async (options: { from: string; dryRun?: boolean; overwrite?: string[]; discard?: string[] }) => {
      exitCode = await runMigrate({ from: options.from, dryRun: Boolean(options.dryRun), overwrite: options.overwrite, discard: options.discard });
    });

  cli
    .command('info')
    .description('show the backend in use, where its data lives and how many credentials it holds')
    .action(async () => {
      await runInfo();
    });

  cli
    .command('unlock')
    .description('ask for the store key passphrase once and keep the key unlocked in a small agent for a while')
    .option('--ttl <duration>', 'how long the agent keeps it: 90s, 10m, 1h30m (default 10m, or TSSTORE_UNLOCK_TTL)')
    .action(async (options: { ttl?: string }) => {
      const { runUnlock } = await import('./commands/unlock.js');
      await runUnlock(options);
    });

  cli
    .command('lock')
    .description('make the agent forget the unlocked store key now')
    .action(async () => {
      const { runLock } = await import('./commands/lock.js');
      await runLock();
    });

  cli
    .command('passwd')
    .description("add, change or remove the store key's passphrase")
    .action(async () => {
      const { runPasswd } = await import('./commands/passwd.js');
      await runPasswd();
    });

  // Started by the helper itself (unlock, or a get that prompted); not for people.
  cli
    .command('agent', { hidden: true })
    .requiredOption('--socket <path>')
    .requiredOption('--dir <path>')
    .requiredOption('--store <path>')
    .action(async (options: { socket: string; dir: string; store: string }) => {
      const { runAgent } = await import('./agent/server.js');
      exitCode = await runAgent({ socket: options.socket, dir: options.dir, storeRoot: options.store });
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
    warn(`${HELPER_NAME}: ${describeError(error)}`);
    return 1;
  }
}
