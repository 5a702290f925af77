/** Runs another credential helper (pass, desktop, secretservice, ...) with the secret on stdin only. */
import type { Environment } from '../config/paths.js';

export interface HelperOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type HelperVerb = 'get' | 'list' | 'store' | 'erase';

/** A helper may prompt (pass asks gpg-agent); this bounds a helper that hangs. */
export const HELPER_TIMEOUT_MS = 30_000;
/** The exit code a helper that did not answer in time is reported with (as timeout(1) does). */
export const TIMED_OUT_EXIT_CODE = 124;

/**
 * Our own deadline rather than execa's `timeout`: execa kills the helper but then waits for its output
 * pipes to close, and a helper script whose child (`sleep`, a stuck gpg) still holds them open would keep
 * that wait, and doctor, going until the child ends. At the deadline the helper is killed and our ends of
 * its pipes are closed, so nothing is left to wait for.
 */
export async function runCredentialHelper(program: string, verb: HelperVerb, input: string, env: Environment, timeoutMs = HELPER_TIMEOUT_MS): Promise<HelperOutput> {
  const { execa } = await import('execa');
  const subprocess = execa(program, [verb], {
    input,
    env: env as Record<string, string>,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  const result = await Promise.race([subprocess, deadline]);
  clearTimeout(timer);
  if (result === 'timed out') {
    subprocess.kill('SIGKILL');
    for (const stream of [subprocess.stdin, subprocess.stdout, subprocess.stderr]) stream?.destroy();
    // Settles once the pipes are gone; nothing more is read from it.
    subprocess.catch(() => undefined);
    return { stdout: '', stderr: '', exitCode: TIMED_OUT_EXIT_CODE };
  }
  return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode: result.exitCode ?? 1 };
}
