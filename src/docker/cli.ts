/** Runs the docker CLI (doctor --login re-runs docker login), with any secret on stdin only, never in argv. */
import type { Environment } from '../config/paths.js';
import { findOnPath } from '../fs/find-on-path.js';
import type { HelperOutput } from '../credential-helper/run.js';

/** `timedOut`: docker was stopped at the deadline (default 60 s). */
export interface DockerOutput extends HelperOutput {
  timedOut?: true;
}

export async function runDockerCli(args: readonly string[], input: string, env: Environment, options: { timeoutMs?: number } = {}): Promise<DockerOutput> {
  const docker = findOnPath('docker', env.PATH ?? '');
  if (docker === undefined) return { stdout: '', stderr: 'docker is not on PATH', exitCode: 127 };
  const { execa } = await import('execa');
  const timeout = options.timeoutMs ?? 60_000;
  // A stopped docker gets SIGKILL soon after SIGTERM: the deadline is the bound, not a hint.
  const result = await execa(docker, [...args], { input, env: env as Record<string, string>, extendEnv: false, reject: false, timeout, forceKillAfterDelay: 1_000 });
  return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode: result.exitCode ?? 1, ...(result.timedOut ? { timedOut: true as const } : {}) };
}

/** Runs the docker CLI on the person's terminal (stdin, stdout, stderr inherited), so they can type a password. */
export async function runDockerOnTerminal(args: readonly string[], env: Environment): Promise<number> {
  const docker = findOnPath('docker', env.PATH ?? '');
  if (docker === undefined) return 127;
  const { execa } = await import('execa');
  const result = await execa(docker, [...args], { stdio: 'inherit', env: env as Record<string, string>, extendEnv: false, reject: false });
  return result.exitCode ?? 1;
}
