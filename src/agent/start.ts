/**
 * Starts an agent on demand: this same executable with the hidden `agent` command, detached into its
 * own session (no terminal to hang up on, and nothing of docker's: its stdio are ours and closed once it
 * says it listens). In the single file, process.execPath is the executable itself; under node it is node
 * and the script comes next.
 */
import { spawn } from 'node:child_process';
import { TsstoreError } from '../errors.js';
import type { AgentLocation } from './location.js';
import { ALREADY_RUNNING_LINE, READY_LINE } from './ready.js';

/**
 * Loading the runtime and binding a socket take well under a second, a few on a machine busy with
 * builds; this is a guard, not a wait. (A start runs while the person types, so it rarely shows.)
 */
export const START_TIMEOUT_MS = 10_000;

export interface Invocation {
  file: string;
  args: string[];
}

/**
 * How to run this program again. bun's single file reports argv[1] as a path inside its embedded
 * file system (`/$bunfs/...`) and runs its own code when executed with no script.
 */
export function selfInvocation(execPath: string, argv: readonly string[], isBun: boolean): Invocation {
  const script = argv[1];
  if (isBun && (script === undefined || script.startsWith('/$bunfs/') || script.startsWith('B:/~BUN/'))) return { file: execPath, args: [] };
  if (script === undefined) throw new TsstoreError('backend-unavailable', 'cannot tell how to start the tsstore agent (no script path)');
  return { file: execPath, args: [script] };
}

export function agentArguments(location: AgentLocation, storeRoot: string): string[] {
  return ['agent', '--socket', location.socket, '--dir', location.dir, '--store', storeRoot];
}

/** Starts an agent, or finds one already listening; resolves once a client can connect. */
export async function startAgent(location: AgentLocation, storeRoot: string): Promise<void> {
  const self = selfInvocation(process.execPath, process.argv, 'bun' in process.versions);
  const child = spawn(self.file, [...self.args, ...agentArguments(location, storeRoot)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: '/',
    env: process.env,
  });
  let output = '';
  let errors = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new TsstoreError('backend-unavailable', `the tsstore agent did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      const done = (outcome: () => void) => {
        clearTimeout(timer);
        outcome();
      };
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes(`${READY_LINE} `) || output.includes(ALREADY_RUNNING_LINE)) done(resolve);
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        errors = (errors + chunk.toString('utf8')).slice(-2000);
      });
      child.on('error', (error) => done(() => reject(new TsstoreError('backend-unavailable', `cannot start the tsstore agent: ${error.message}`))));
      // 'close' comes after stdout ended, so a ready line is never missed.
      child.on('close', (code) => {
        if (output.includes(`${READY_LINE} `) || output.includes(ALREADY_RUNNING_LINE)) return done(resolve);
        const reason = errors.trim().split('\n').pop() || `exit code ${code}`;
        done(() => reject(new TsstoreError('backend-unavailable', `the tsstore agent did not start: ${reason}`)));
      });
    });
  } finally {
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.removeAllListeners('close');
    child.unref();
  }
}
