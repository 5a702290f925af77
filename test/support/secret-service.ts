/**
 * A real Secret Service for tests: a private D-Bus session (dbus-run-session, with a bus configuration
 * that activates nothing) and, unless asked otherwise, gnome-keyring-daemon with an unlocked login
 * collection, all in a temporary HOME. Commands run "inside" it by getting its DBUS_SESSION_BUS_ADDRESS.
 * Checks go over D-Bus with secret-tool and dbus-send, independently of tsstore's code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { type HelperResult, type RunOptions, runHelper } from './helper-binary.js';

/** Everything a Secret Service test needs on PATH (Debian: dbus-daemon, dbus-bin, gnome-keyring, libsecret-tools). */
export const SECRET_SERVICE_PROGRAMS = ['dbus-run-session', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool'] as const;

export const LOGIN_COLLECTION = '/org/freedesktop/secrets/collection/login';

// Only what a session bus needs: no standard service directories, so nothing is ever started by D-Bus
// activation behind the test's back (not a second keyring daemon, not a prompter).
const busConfig = (serviceDir: string | undefined) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>${serviceDir ? `\n  <servicedir>${serviceDir}</servicedir>` : ''}
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

// Runs inside dbus-run-session: start the keyring (or not), wait until it owns its name, print the bus
// address, then wait for stdin to close and stop the keyring. The wait is bounded (200 tries).
// gnome-keyring-daemon 42.1 was once seen to abort in GLib (trap int3 in libglib) under heavy load in a
// full CI run; it is restarted (at most 3 times, same HOME, so its items stay) instead of failing every
// later test of the file. The tests that meet the crash itself are retried (see the describes).
const SESSION_SCRIPT = `
set -u
if [ "$TSSTORE_TEST_KEYRING" = unlocked ]; then
  (
    starts=0
    while [ "$starts" -lt 4 ] && [ ! -e "$HOME/.keyring-stop" ]; do
      starts=$((starts + 1))
      printf '%s' "$TSSTORE_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1
      sleep 0.1
    done
  ) &
  tries=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
    tries=$((tries + 1))
    if [ "$tries" -gt 200 ]; then echo "FAILED gnome-keyring-daemon did not take org.freedesktop.secrets"; exit 3; fi
    sleep 0.05
  done
fi
echo "READY $DBUS_SESSION_BUS_ADDRESS"
cat >/dev/null
# No restart from here on; the daemon exits when dbus-run-session takes the bus down after us.
if [ "$TSSTORE_TEST_KEYRING" = unlocked ]; then : > "$HOME/.keyring-stop"; fi
exit 0
`;

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface SecretServiceSession {
  home: string;
  /** HOME, PATH, TSSTORE_HOME, DOCKER_CONFIG, TMPDIR, LANG and the session's DBUS_SESSION_BUS_ADDRESS. */
  env: Record<string, string>;
  address: string;
  /** Runs the built helper inside the session. */
  run(args: readonly string[], input?: string, extraEnv?: Record<string, string | undefined>, options?: Omit<RunOptions, 'env' | 'input'>): Promise<HelperResult>;
  /** Runs any program inside the session (stdin `input`), never throwing on a non-zero exit. */
  exec(file: string, args: readonly string[], input?: string, extraEnv?: Record<string, string | undefined>): Promise<CommandResult>;
  /** Items matching the attributes, read with secret-tool over D-Bus (secrets included). */
  searchItems(attributes: Record<string, string>): Promise<SecretItem[]>;
  /** Locks a collection with the Secret Service's own org.freedesktop.Secret.Service.Lock. */
  lock(collection?: string): Promise<void>;
  /** Whether the collection is locked, read over D-Bus with dbus-send. */
  isLocked(collection?: string): Promise<boolean>;
  stop(): Promise<void>;
}

export interface SecretItem {
  label: string;
  secret: string;
  attributes: Record<string, string>;
}

export interface SessionOptions {
  /** 'unlocked' (default): gnome-keyring-daemon with an unlocked login collection; 'none': a bus with no Secret Service. */
  keyring?: 'unlocked' | 'none';
  prefix?: string;
  /** D-Bus activation files (name -> content) the bus may start services from; none by default. */
  serviceFiles?: Record<string, string>;
}

export async function startSecretService(options: SessionOptions = {}): Promise<SecretServiceSession> {
  const home = mkdtempSync(join(tmpdir(), options.prefix ?? 'tsstore-keyring-'));
  const configFile = join(home, 'session-bus.conf');
  let serviceDir: string | undefined;
  if (options.serviceFiles) {
    serviceDir = join(home, 'dbus-services');
    mkdirSync(serviceDir);
    for (const [name, content] of Object.entries(options.serviceFiles)) writeFileSync(join(serviceDir, name), content);
  }
  writeFileSync(configFile, busConfig(serviceDir));
  mkdirSync(join(home, 'tmp'));
  const baseEnv: Record<string, string> = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TSSTORE_HOME: join(home, 'tsstore'),
    DOCKER_CONFIG: join(home, '.docker'),
    TMPDIR: join(home, 'tmp'),
    LANG: 'C.UTF-8',
  };
  const child = spawn('dbus-run-session', ['--config-file', configFile, '--', 'sh', '-c', SESSION_SCRIPT], {
    env: { ...baseEnv, TSSTORE_TEST_KEYRING: options.keyring ?? 'unlocked', TSSTORE_TEST_KEYRING_PASSWORD: 'session-password' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let address: string;
  try {
    address = await readyAddress(child);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  const env = { ...baseEnv, DBUS_SESSION_BUS_ADDRESS: address };

  const exec: SecretServiceSession['exec'] = async (file, args, input = '', extraEnv = {}) => {
    const result = await execa(file, args, {
      input,
      env: withoutUndefined({ ...env, ...extraEnv }),
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      timeout: 60_000,
    });
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
  };

  const dbusSend = async (args: string[]): Promise<string> => {
    const result = await exec('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', ...args]);
    if (result.exitCode !== 0) throw new Error(`dbus-send ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };

  return {
    home,
    env,
    address,
    run: (args, input, extraEnv = {}, runOptions = {}) =>
      runHelper(args, { ...runOptions, input: input ?? '', env: withoutUndefined({ ...env, ...extraEnv }) }),
    exec,
    async searchItems(attributes) {
      const pairs = Object.entries(attributes).flat();
      // secret-tool prints label and secret on stdout and the attributes on stderr, flushing each line:
      // one pipe for both keeps every item's lines together and in order.
      const result = await exec('sh', ['-c', 'exec secret-tool search --all -- "$@" 2>&1', 'sh', ...pairs]);
      return parseSecretToolSearch(result.stdout);
    },
    async lock(collection = LOGIN_COLLECTION) {
      await dbusSend(['/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', `array:objpath:${collection}`]);
    },
    async isLocked(collection = LOGIN_COLLECTION) {
      const reply = await dbusSend([collection, 'org.freedesktop.DBus.Properties.Get', 'string:org.freedesktop.Secret.Collection', 'string:Locked']);
      if (/boolean true/.test(reply)) return true;
      if (/boolean false/.test(reply)) return false;
      throw new Error(`unexpected reply to Locked: ${reply}`);
    },
    async stop() {
      child.stdin?.end();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

function readyAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^READY (\S+)$/m.exec(output);
      if (ready?.[1]) resolve(ready[1]);
      if (/^FAILED/m.test(output)) reject(new Error(`the test Secret Service did not start: ${output.trim()} ${errors.trim()}`));
    });
    child.once('exit', (code) => reject(new Error(`dbus-run-session exited (${code}) before the session was ready: ${output.trim()} ${errors.trim()}`)));
    child.once('error', reject);
  });
}

/** secret-tool search --all output: "[/path]" blocks of "label = ", "secret = ", "attribute.NAME = " lines. */
export function parseSecretToolSearch(text: string): SecretItem[] {
  const items: SecretItem[] = [];
  let current: SecretItem | undefined;
  for (const line of text.split('\n')) {
    if (/^\[\/.*\]$/.test(line)) {
      current = { label: '', secret: '', attributes: {} };
      items.push(current);
      continue;
    }
    const match = /^([a-z.A-Z_]+) = (.*)$/.exec(line);
    if (!current || !match) continue;
    const [, key = '', value = ''] = match;
    if (key === 'label') current.label = value;
    else if (key === 'secret') current.secret = value;
    else if (key.startsWith('attribute.')) current.attributes[key.slice('attribute.'.length)] = value;
  }
  return items;
}

/** The gnome-keyring-daemon of a test session (found by its HOME, read from /proc). */
function keyringDaemonPids(home: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(join('/proc', name, 'comm'), 'utf8').startsWith('gnome-keyring')) continue;
      if (readFileSync(join('/proc', name, 'environ'), 'utf8').split('\0').includes(`HOME=${home}`)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Stops (SIGSTOP) and resumes the gnome-keyring-daemon of a test session: the kernel still accepts
 * connections on the bus, nobody answers. resume() in an afterAll, so a failed test leaves none stopped.
 */
export class KeyringDaemonPause {
  private stopped: number[] = [];

  constructor(private readonly home: string) {}

  /** How many daemons were stopped (a test expects one at least). */
  stop(): number {
    this.stopped = keyringDaemonPids(this.home);
    for (const pid of this.stopped) process.kill(pid, 'SIGSTOP');
    return this.stopped.length;
  }

  resume(): void {
    for (const pid of this.stopped.splice(0)) process.kill(pid, 'SIGCONT');
  }
}
