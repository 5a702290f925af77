/** Runs another credential helper (pass, desktop, secretservice, ...) with the secret on stdin only. */
import type { Environment } from '../config/paths.js';

export interface HelperOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type HelperVerb = 'get' | 'list' | 'store' | 'erase';

/** A helper may prompt (pass asks gpg-agent); this bounds a helper that hangs. */
const HELPER_TIMEOUT_MS = 30_000;

export async function runCredentialHelper(program: string, verb: HelperVerb, input: string, env: Environment): Promise<HelperOutput> {
  const { execa } = await import('execa');
  const result = await execa(program, [verb], {
    input,
    env: env as Record<string, string>,
    extendEnv: false,
    reject: false,
    timeout: HELPER_TIMEOUT_MS,
    stripFinalNewline: false,
  });
  if (result.timedOut) return { stdout: '', stderr: '', exitCode: 124 };
  return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode: result.exitCode ?? 1 };
}
