/**
 * Item 6 on the built file: no core file holding a secret. A tsstore process killed by SIGABRT (what an
 * abort() or a crash in the runtime does) while it holds a password or the unlocked store key leaves no
 * core behind, even under `ulimit -c unlimited`: every process makes itself non-dumpable at start
 * (src/runtime/no-core-dumps.ts).
 *
 * - a control in the same folder (a shell that aborts itself under the same `ulimit -c unlimited`) must
 *   leave a core first, so the tests cannot pass on a machine that writes no cores into the working
 *   folder (core_pattern piped or absolute): there they are skipped, or fail under TSSTORE_REQUIRE_REAL=1;
 * - `store` killed while it has read a partial login, secret included, from a stdin kept open;
 * - the agent killed while it holds the unlocked key and has just decrypted a login for `get`;
 * - independent of core_pattern: /proc/PID/environ of a tsstore run by another user belongs to root (what the
 *   kernel does for a non-dumpable process), while a dumpable control's belongs to that user.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentArguments } from '../../src/agent/start.js';
import { READY_LINE } from '../../src/agent/ready.js';
import { type ProtectedStore, eventually, getOutput, newSecret, protectedStore, runDetached } from '../agent/protected-store.js';
import { HELPER_BINARY } from '../support/helper-binary.js';
import { findOnPath, requireReal } from '../support/real-components.js';

const HOST = 'registry.example:5000';
/** Runs "$0" "$@" with no limit on the core size, in the folder it is started in. */
const UNLIMITED_CORE = 'ulimit -c unlimited && exec "$0" "$@"';

function kernelSetting(name: string): string {
  try {
    return readFileSync(`/proc/sys/kernel/${name}`, 'utf8').trim();
  } catch {
    return '(unreadable)';
  }
}

/** A shell that aborts itself in `dir` under `ulimit -c unlimited`; returns the files it left there. */
function controlCore(dir: string): string[] {
  const result = spawnSync('bash', ['-c', 'ulimit -c unlimited && kill -ABRT $$'], { cwd: dir });
  if (result.signal !== 'SIGABRT') return [];
  return readdirSync(dir);
}

/** Whether this machine writes a core into the working folder of a process aborted as above. */
function probeCores(): { ok: boolean; reason: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsstore-core-probe-'));
  try {
    if (controlCore(dir).length > 0) return { ok: true, reason: '' };
    return {
      ok: false,
      reason: `a shell aborted under ulimit -c unlimited left no core in its folder (core_pattern ${JSON.stringify(kernelSetting('core_pattern'))}, core_uses_pid ${kernelSetting('core_uses_pid')})`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const probe = probeCores();
if (!probe.ok) console.log(`core-dumps: skipped (${probe.reason})`);

it.runIf(requireReal && !probe.ok)('TSSTORE_REQUIRE_REAL=1: an aborted process writes a core into its working folder here', () => {
  expect.fail(probe.reason);
});

/** A new empty folder where the control just left a core (removed again): proof that a core would show. */
function dumpFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsstore-core-'));
  const cores = controlCore(dir);
  expect(cores.length, `the control left no core in ${dir}`).toBeGreaterThan(0);
  for (const name of cores) unlinkSync(join(dir, name));
  return dir;
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** The kernel finishes writing a core before the parent sees the signal, so this needs no wait. */
async function abort(child: ChildProcess): Promise<NodeJS.Signals | null> {
  child.kill('SIGABRT');
  return (await exitOf(child)).signal;
}

/** The process runs the built file now (bash has exec'd it). */
function runsHelper(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/exe`) === HELPER_BINARY;
  } catch {
    return false;
  }
}

/** Its main thread is blocked in read(2) on fd 0 (x86-64 read is 0, arm64's 63). */
function blockedReadingStdin(pid: number): boolean {
  try {
    return /^(0|63) 0x0 /.test(readFileSync(`/proc/${pid}/syscall`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * stdin for `store`: a FIFO holding `text` before the process starts, whose writer stays open, so the
 * process reads the text and then waits for the rest. Returns the read end (for spawn) and a close.
 */
function openStdin(dir: string, text: string): { stdin: number; close(): void } {
  const fifo = join(dir, '..', `${dir.split('/').pop()}.stdin`);
  expect(spawnSync('mkfifo', ['-m', '600', fifo]).status, 'mkfifo').toBe(0);
  const writer = openSync(fifo, 'r+'); // O_RDWR: does not wait for a reader
  writeSync(writer, text);
  const stdin = openSync(fifo, 'r'); // a writer exists: does not wait either
  return {
    stdin,
    close() {
      for (const fd of [stdin, writer]) {
        try {
          closeSync(fd);
        } catch {
          // closed already
        }
      }
      rmSync(fifo, { force: true });
    },
  };
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!probe.ok)('no core file with a secret (built file, ulimit -c unlimited, SIGABRT)', () => {
  it('store, killed while it holds a password read from stdin, leaves no core', async () => {
    const dir = dumpFolder();
    const home = mkdtempSync(join(tmpdir(), 'tsstore-core-home-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => rmSync(home, { recursive: true, force: true }));
    const secret = newSecret('password');
    // No closing quote or brace: the process has read the secret and waits for the rest of the login.
    const input = openStdin(dir, `{"ServerURL":"${HOST}","Username":"alice","Secret":"${secret}`);
    cleanups.push(() => input.close());
    const env = { HOME: home, TSSTORE_HOME: join(home, 'tsstore'), TSSTORE_BACKEND: 'pgp', PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const child = spawn('bash', ['-c', UNLIMITED_CORE, HELPER_BINARY, 'store'], { cwd: dir, env, stdio: [input.stdin, 'ignore', 'ignore'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    const pid = child.pid as number;
    await eventually(() => runsHelper(pid) && blockedReadingStdin(pid), 'store reading the partial login and waiting for more', 30_000);

    expect(await abort(child)).toBe('SIGABRT');
    expect(readdirSync(dir), `core files in ${dir}`).toEqual([]);
  });

  it('the agent, killed while it holds the unlocked store key, leaves no core', async () => {
    const store: ProtectedStore = await protectedStore();
    cleanups.push(() => store.cleanup());
    const dir = dumpFolder();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const secret = newSecret('password');
    const stored = await runDetached(['store'], { env: store.env, input: JSON.stringify({ ServerURL: HOST, Username: 'alice', Secret: secret }) });
    expect(stored).toMatchObject({ stdout: '', exitCode: 0 });

    // The agent as `unlock` starts it (same executable, same hidden command), but in our folder and with
    // the core size unlimited; `unlock` then finds it listening and hands it the key.
    const agent = spawn('bash', ['-c', UNLIMITED_CORE, HELPER_BINARY, ...agentArguments(store.agent, store.storeDir)], {
      cwd: dir,
      env: store.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    cleanups.push(() => void agent.kill('SIGKILL'));
    let output = '';
    agent.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    await eventually(() => output.includes(`${READY_LINE} ${agent.pid}`), 'the agent saying it listens', 30_000);

    const unlock = await runDetached(['unlock', '--ttl', '10m'], { env: { ...store.env, TSSTORE_PASSPHRASE_FILE: store.passphraseFile } });
    expect(unlock).toMatchObject({ stdout: expect.stringMatching(/^Unlocked for 10m /), exitCode: 0 });
    // The agent decrypts this login: the password has been in its memory too.
    expect(await runDetached(['get'], { env: store.env, input: HOST })).toMatchObject({ stdout: getOutput(HOST, 'alice', secret), exitCode: 0 });

    expect(await abort(agent)).toBe('SIGABRT');
    expect(readdirSync(dir), `core files in ${dir}`).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Non-dumpable, seen from /proc: for a process that is not dumpable the kernel makes /proc/PID/* root's.
// Root owns everything root runs, so the process runs as nobody (setpriv).

const NOBODY = 65534;
const SETPRIV = findOnPath('setpriv');
/** Everyone can read the file and enter its folders (exec'ing a file one cannot read also makes a process non-dumpable). */
function othersCanRun(file: string): boolean {
  if ((statSync(file).mode & 0o005) !== 0o005) return false;
  for (let dir = dirname(file); dir !== '/'; dir = dirname(dir)) if ((statSync(dir).mode & 0o001) === 0) return false;
  return true;
}
const asNobodyReason =
  process.getuid?.() !== 0 ? 'not root: cannot run a process as another user' : SETPRIV === undefined ? 'setpriv is missing (util-linux)' : !othersCanRun(HELPER_BINARY) ? `${HELPER_BINARY} cannot be read and run by other users` : '';
if (asNobodyReason) console.log(`core-dumps: the /proc ownership test is skipped (${asNobodyReason})`);

it.runIf(requireReal && asNobodyReason !== '')('TSSTORE_REQUIRE_REAL=1: the built file can be run as another user', () => {
  expect.fail(asNobodyReason);
});

/** Who owns /proc/PID/environ (the kernel keeps /proc/PID itself the process's, for ps), and the euid. */
function procOwner(pid: number): { environ: number; euid: number } {
  const uids = /^Uid:\s+\d+\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { environ: statSync(`/proc/${pid}/environ`).uid, euid: Number(uids) };
}

describe.skipIf(asNobodyReason !== '')('non-dumpable, seen in /proc (built file run as nobody)', () => {
  it("/proc/PID/environ of a tsstore belongs to root while it runs as nobody; a dumpable control's belongs to nobody", async () => {
    const asNobody = ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '--'];
    const control = spawn(SETPRIV as string, [...asNobody, 'sleep', '30'], { stdio: 'ignore' });
    cleanups.push(() => void control.kill('SIGKILL'));
    const controlPid = control.pid as number;
    await eventually(() => readFileSync(`/proc/${controlPid}/cmdline`, 'utf8').startsWith('sleep\0'), 'the control running sleep', 30_000);
    expect(procOwner(controlPid)).toEqual({ environ: NOBODY, euid: NOBODY });

    const dir = mkdtempSync(join(tmpdir(), 'tsstore-core-nobody-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const input = openStdin(dir, '{"ServerURL":"');
    cleanups.push(() => input.close());
    const child = spawn(SETPRIV as string, [...asNobody, HELPER_BINARY, 'store'], { cwd: '/', env: { HOME: dir, PATH: '/usr/bin:/bin' }, stdio: [input.stdin, 'ignore', 'ignore'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    const pid = child.pid as number;
    await eventually(() => runsHelper(pid) && blockedReadingStdin(pid), 'store waiting for the rest of its input', 30_000);
    expect(procOwner(pid)).toEqual({ environ: 0, euid: NOBODY });
  });
});
