/**
 * End-to-end fixtures for the passphrase tests: a temporary HOME whose pgp store key has a passphrase
 * (made by the built file's own `init`, the passphrase read from a 0600 file), and runs of the built file
 * in a new session, so they have no controlling terminal even when the test runner has one.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { type AgentLocation, type AgentPlace, agentPlace } from '../../src/agent/location.js';
import { findAgentLocation } from '../../src/agent/recorded-folder.js';
import { HELPER_BINARY, type TemporaryHome, temporaryHome } from '../support/helper-binary.js';

export interface DetachedResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** True when the 60 s guard had to kill it: a hang, which the tests treat as a failure. */
  timedOut: boolean;
}

/**
 * Runs the built file with no controlling terminal (setsid); stdin gets `input` and then end of file.
 * `timeoutMs` (default 60 s) is the hang guard: a run it kills has `timedOut`.
 */
export async function runDetached(
  args: readonly string[],
  options: { env: Record<string, string>; input?: string; cwd?: string; timeoutMs?: number },
): Promise<DetachedResult> {
  const result = await execa(HELPER_BINARY, args, {
    input: options.input ?? '',
    env: options.env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    detached: true,
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 60_000,
  });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1, timedOut: Boolean(result.timedOut) };
}

export interface ProtectedStore {
  home: TemporaryHome;
  /** TSSTORE_BACKEND=pgp and, with `runtimeDir`, XDG_RUNTIME_DIR; no passphrase file. */
  env: Record<string, string>;
  passphrase: string;
  /** A 0600 file holding the passphrase (not named in `env`). */
  passphraseFile: string;
  storeDir: string;
  keyFile: string;
  place: AgentPlace;
  /** Where the agent listens; for a recorded place, what the record says now (it must exist). */
  readonly agent: AgentLocation;
  cleanup(): Promise<void>;
}

export function newSecret(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('base64url')}`;
}

export interface ProtectedStoreOptions {
  runtimeDir?: boolean;
  /** TSSTORE_HOME so deep that no socket path inside the store fits in sun_path. */
  longStorePath?: boolean;
  /** TMPDIR for the helper (default: the runner's). */
  tmpDir?: string;
}

export async function protectedStore(options: ProtectedStoreOptions = {}): Promise<ProtectedStore> {
  const home = temporaryHome('tsstore-pass-');
  const env: Record<string, string> = { ...home.env, TSSTORE_BACKEND: 'pgp' };
  if (options.longStorePath) env.TSSTORE_HOME = join(home.home, 'a-rather-long-folder-name'.repeat(4), 'tsstore');
  if (options.tmpDir) env.TMPDIR = options.tmpDir;
  if (options.runtimeDir) {
    const runtime = join(home.home, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    env.XDG_RUNTIME_DIR = runtime;
  }
  const passphrase = newSecret('pass phrase ✓');
  const passphraseFile = join(home.home, 'passphrase');
  writeFileSync(passphraseFile, `${passphrase}\n`, { mode: 0o600 });
  const init = await runDetached(['init', '--backend', 'pgp', '--no-docker-config'], { env: { ...env, TSSTORE_PASSPHRASE_FILE: passphraseFile } });
  expect(init, 'init with a passphrase file').toMatchObject({ exitCode: 0, stderr: '' });
  const storeDir = join(env.TSSTORE_HOME as string, 'pgp');
  const keyFile = join(storeDir, 'private-key.asc');
  expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN PGP PRIVATE KEY(?: BLOCK)-----/);
  const place = agentPlace({ env, storeRoot: storeDir, tmp: env.TMPDIR ?? tmpdir() });
  const current = (): AgentLocation | undefined => findAgentLocation(place);
  return {
    home,
    env,
    passphrase,
    passphraseFile,
    storeDir,
    keyFile,
    place,
    get agent(): AgentLocation {
      const location = current();
      if (!location) throw new Error(`no agent folder is recorded in ${storeDir}`);
      return location;
    },
    async cleanup() {
      const agent = current();
      await runDetached(['lock'], { env }).catch(() => undefined);
      for (const pid of agent ? agentPids(agent.socket) : []) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // gone
        }
      }
      home.cleanup();
    },
  };
}

/** Processes whose argv is an agent serving `socket` (read from /proc, so no agent hides from the test). */
export function agentPids(socket: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(join('/proc', name, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = argv.indexOf('--socket');
    if (argv.includes('agent') && at !== -1 && argv[at + 1] === socket) pids.push(Number(name));
  }
  return pids;
}

/** Polls `condition` until true; fails after `limitMs` (a guard against hangs, not a timing assertion). */
export async function eventually(condition: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${limitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What a successful `get` prints. */
export function getOutput(serverURL: string, username: string, secret: string): string {
  return `${JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret })}\n`;
}
