/**
 * Runs the built single-file executable, the thing users run. vitest's global setup builds it when it
 * is missing or older than the sources.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
export const HELPER_BINARY = join(PROJECT_ROOT, 'dist', 'docker-credential-tsstore');

export interface HelperResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  input?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  binary?: string;
  cwd?: string;
}

/** Runs `binary args` with stdin `input` (none: empty) and never throws on a non-zero exit. */
export async function runHelper(args: readonly string[], options: RunOptions = {}): Promise<HelperResult> {
  const result = await execa(options.binary ?? HELPER_BINARY, args, {
    input: options.input ?? '',
    env: options.env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    cwd: options.cwd,
    timeout: 60_000,
  });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
}

/** A temporary HOME with tsstore's state in it, and the environment to run the helper there. */
export interface TemporaryHome {
  home: string;
  env: Record<string, string>;
  cleanup(): void;
}

export function temporaryHome(prefix = 'tsstore-test-'): TemporaryHome {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const env: Record<string, string> = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TSSTORE_HOME: join(home, 'tsstore'),
    DOCKER_CONFIG: join(home, '.docker'),
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    LANG: 'C.UTF-8',
  };
  return { home, env, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}
