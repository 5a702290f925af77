/**
 * Every command for people, in the order `--help` lists them. src/cli.ts builds the commander program
 * from this table and main() takes the words it accepts from it, so a command added here is reachable.
 * Plain data and lazy imports only: no commander, and each command's module (openpgp.js, the doctor,
 * the agent) is loaded by that command alone.
 */
import type { BackendName } from '../backends/backend.js';

export interface OptionSpec {
  /** As commander spells it: '--backend <name>', '--no-docker-config', '--from <source>'. */
  flags: string;
  description?: string;
  required?: boolean;
  choices?: readonly string[];
  /** May be given more than once (`--image a --image b`): the value is the list, in order. */
  repeatable?: boolean;
}

export interface CommandSpec {
  name: string;
  description?: string;
  /** Not in `--help`: started by the helper itself. */
  hidden?: boolean;
  /** A variadic operand, as commander spells it: '[check...]'. */
  operands?: { syntax: string; description: string };
  options: readonly OptionSpec[];
  /** Runs the command; a number is the exit code (doctor: problems left), none means 0. */
  run(operands: string[], options: Readonly<Record<string, unknown>>): Promise<number | void>;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'init',
    description: 'set up the store (the OS keyring when one answers unlocked, else a new OpenPGP key) and make Docker use it',
    options: [
      {
        flags: '--backend <name>',
        description: 'where secrets are kept: keyring (Secret Service, Keychain, Credential Manager) or pgp (encrypted files)',
        choices: ['pgp', 'keyring'],
      },
      { flags: '--recipient <file...>', description: "also encrypt to this armored public key (yours or a team member's)" },
      { flags: '--recipient-gpg <keyid...>', description: 'also encrypt to this key from your GnuPG keyring (exported with gpg)' },
      { flags: '--no-docker-config', description: 'do not set "credsStore": "tsstore" in Docker\'s config.json' },
    ],
    async run(_operands, options) {
      const given = options as { backend?: BackendName; recipient?: string[]; recipientGpg?: string[]; dockerConfig: boolean };
      const { runInit } = await import('./init.js');
      await runInit({
        backend: given.backend,
        recipientFiles: given.recipient ?? [],
        recipientGpgKeys: given.recipientGpg ?? [],
        configureDocker: given.dockerConfig,
      });
    },
  },
  {
    name: 'doctor',
    description: "find what is wrong with Docker's login set-up; --fix fixes it",
    operands: { syntax: '[check...]', description: 'run only these checks (ids as printed)' },
    options: [
      { flags: '--fix', description: 'apply fixes, one at a time, and check again after each' },
      { flags: '--json', description: 'print one JSON object instead of text' },
      { flags: '--login', description: 're-run docker login for stored credentials to prove the chain works' },
      { flags: '--list-checks', description: 'print the id and title of every check, and run none' },
      {
        flags: '--image <ref>',
        description: 'also check what docker will do for a pull of this image (and a push, with --push): the login it sends, and what the registry grants (repeatable)',
        repeatable: true,
      },
      { flags: '--push', description: 'with --image: a push the registry would refuse is a problem too (without it, a warning)' },
    ],
    async run(checks, options) {
      const { runDoctor } = await import('./doctor.js');
      const images = Array.isArray(options.image) ? options.image.filter((ref): ref is string => typeof ref === 'string') : [];
      return runDoctor({
        fix: Boolean(options.fix),
        json: Boolean(options.json),
        login: Boolean(options.login),
        listChecks: Boolean(options.listChecks),
        checks,
        images,
        push: Boolean(options.push),
      });
    },
  },
  {
    name: 'migrate',
    description: 'move credentials into tsstore from another helper (pass, secretservice, ...) or from config.json',
    options: [
      {
        flags: '--from <source>',
        description: 'a helper name (docker-credential-NAME), "config", or the path of an auth file (podman\'s auth.json)',
        required: true,
      },
      { flags: '--dry-run', description: 'show what would move, change nothing' },
      { flags: '--overwrite <registry...>', description: "replace the login tsstore holds for these registries with the source's" },
      { flags: '--discard <registry...>', description: "keep tsstore's login for these registries and remove the file's plain-text copy" },
    ],
    async run(_operands, options) {
      const given = options as { from: string; dryRun?: boolean; overwrite?: string[]; discard?: string[] };
      const { runMigrate } = await import('./migrate.js');
      return runMigrate({ from: given.from, dryRun: Boolean(given.dryRun), overwrite: given.overwrite, discard: given.discard });
    },
  },
  {
    name: 'add-insecure-registry',
    description: "add registries to insecure-registries of the docker daemon's daemon.json, keeping every other byte (doctor prints it to run with sudo)",
    operands: { syntax: '<registry...>', description: 'host:port, an IP or a CIDR' },
    options: [{ flags: '--daemon-json <path>', description: 'the file to edit (default: the one doctor reads, /etc/docker/daemon.json)' }],
    async run(registries, options) {
      const { runAddInsecureRegistry } = await import('./add-insecure-registry.js');
      return runAddInsecureRegistry(registries, { daemonJson: options.daemonJson as string | undefined });
    },
  },
  {
    name: 'info',
    description: 'show the backend in use, where its data lives and how many credentials it holds',
    options: [],
    async run() {
      const { runInfo } = await import('./info.js');
      await runInfo();
    },
  },
  {
    name: 'unlock',
    description: 'ask for the store key passphrase once and keep the key unlocked in a small agent for a while',
    options: [{ flags: '--ttl <duration>', description: 'how long the agent keeps it: 90s, 10m, 1h30m (default 10m, or TSSTORE_UNLOCK_TTL)' }],
    async run(_operands, options) {
      const { runUnlock } = await import('./unlock.js');
      await runUnlock(options);
    },
  },
  {
    name: 'lock',
    description: 'make the agent forget the unlocked store key now',
    options: [],
    async run() {
      const { runLock } = await import('./lock.js');
      await runLock();
    },
  },
  {
    name: 'passwd',
    description: "add, change or remove the store key's passphrase",
    options: [],
    async run() {
      const { runPasswd } = await import('./passwd.js');
      await runPasswd();
    },
  },
  {
    // Started by the helper itself (unlock, or a get that prompted); not for people.
    name: 'agent',
    hidden: true,
    options: [
      { flags: '--socket <path>', required: true },
      { flags: '--dir <path>', required: true },
      { flags: '--store <path>', required: true },
    ],
    async run(_operands, options) {
      const given = options as { socket: string; dir: string; store: string };
      const { runAgent } = await import('../agent/server.js');
      return runAgent({ socket: given.socket, dir: given.dir, storeRoot: given.store });
    },
  },
];

/** Words commander answers to besides the table's: its own `help` command. */
const COMMANDER_WORDS = ['help'];

/** Whether main() hands `word` (the first argument, not an option) to the commander program. */
export function isCommandWord(word: string): boolean {
  return COMMANDER_WORDS.includes(word) || COMMANDS.some((command) => command.name === word);
}
