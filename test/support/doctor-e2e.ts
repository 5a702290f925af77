/** What the doctor's end-to-end tests share: its JSON report, a failure's message, and a login stored in tsstore. */
import { expect } from 'vitest';
import type { StartedDockerDaemon } from './docker-daemon.js';
import type { HelperResult } from './helper-binary.js';

export interface DoctorReport {
  ok: boolean;
  checks: Array<{ id: string; title: string; status: string; details: string[] }>;
}

/** `doctor --json`'s report; what it printed instead when it printed no JSON. */
export function doctorReport(result: HelperResult): DoctorReport {
  try {
    return JSON.parse(result.stdout) as DoctorReport;
  } catch {
    throw new Error(`doctor printed no JSON (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** A run's exit code and output, and the daemon's last log lines, for an assertion's message. */
export function shown(result: HelperResult, daemon?: StartedDockerDaemon): string {
  return `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}${daemon ? `\ndockerd (tail):\n${daemon.logs().slice(-3000)}` : ''}`;
}

/** Runs the built helper with `args` and stdin `input`, in the test's HOME. */
export type RunHelper = (args: readonly string[], input: string) => Promise<HelperResult>;

/** `store` of a login, as docker login would leave it in tsstore; it must succeed and print nothing. */
export async function storeLogin(run: RunHelper, serverURL: string, user: { username: string; password: string }): Promise<void> {
  const stored = await run(['store'], JSON.stringify({ ServerURL: serverURL, Username: user.username, Secret: user.password }));
  expect(stored, shown(stored)).toMatchObject({ exitCode: 0, stdout: '' });
}
