/** Runs another credential helper (pass, desktop, secretservice, ...) with the secret on stdin only. */
import type { Environment } from '../config/paths.js';

export interface HelperOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runCredentialHelper(program: string, verb: string, input: string, env: Environment): Promise<HelperOutput> {
  const { execa } = await import('execa');
  const result = await execa(program, [verb], {
    input,
    env: env as Record<string, string>,
    extendEnv: false,
    reject: false,
    timeout: 30_000,
    stripFinalNewline: false,
  });
  return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode: result.exitCode ?? 1 };
}
