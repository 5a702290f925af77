/**
 * A server process for end-to-end tests (the registry, dockerd): started with its output kept (bounded)
 * for failure messages, waited on until a readiness probe answers (bounded), and stopped with SIGTERM,
 * then SIGKILL after a grace period. It is killed when the test process exits, so a crash or a kill
 * leaves no server behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const MAX_LOG_CHARS = 256 * 1024;

export interface ServerProcessOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Its own process group: signals go to the group, so what it starts (dockerd's containerd) ends too. */
  group?: boolean;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs: number;
}

export type Readiness = { ready: true } | { ready: false; exited: boolean; why: string };

export interface ServerProcess {
  readonly pid: number | undefined;
  /** Everything it printed so far on stdout and stderr (the last 256 KiB). */
  logs(): string;
  /** How it ended (`exited with code 1`, `could not be run: ...`), or undefined while it runs. */
  exitInfo(): string | undefined;
  /**
   * Polls `probe` every `intervalMs` until it answers true, the process ends, or `timeoutMs` passes (a
   * guard against a hang, not a test assertion). `waitingFor` completes "did not ... within N ms".
   */
  waitUntil(probe: () => Promise<boolean>, options: { timeoutMs: number; intervalMs: number; waitingFor: string }): Promise<Readiness>;
  /** SIGTERM, SIGKILL after the grace period (and, for a group, SIGKILL to what is left). Safe to call more than once. */
  stop(): Promise<void>;
}

export function startServerProcess(options: ServerProcessOptions): ServerProcess {
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    if (log.length > MAX_LOG_CHARS) log = log.slice(-MAX_LOG_CHARS);
  };
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    detached: options.group === true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env,
  });
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (error) => {
      exitInfo = `could not be run: ${error.message}`;
      resolve();
    });
  });
  // 'exit' can come before the last output is read: what it printed last is often why it ended.
  const drained = Promise.all([child.stdout, child.stderr].map((stream) => new Promise<void>((resolve) => (stream ? stream.once('close', resolve) : resolve()))));
  const ended = async (): Promise<Readiness> => {
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    return { ready: false, exited: true, why: exitInfo ?? 'ended' };
  };
  const signal = (name: NodeJS.Signals) => send(child, name, options.group === true);
  const onExit = () => signal('SIGKILL');
  process.once('exit', onExit);

  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid,
    logs: () => log,
    exitInfo: () => exitInfo,
    async waitUntil(probe, { timeoutMs, intervalMs, waitingFor }) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exitInfo !== undefined) return ended();
        if (await probe()) return { ready: true };
        if (Date.now() >= deadline) return { ready: false, exited: false, why: `did not ${waitingFor} within ${timeoutMs} ms` };
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, intervalMs))]);
      }
    },
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        if (exitInfo === undefined) {
          signal('SIGTERM');
          const ended = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), options.stopGraceMs))]);
          if (!ended) {
            signal('SIGKILL');
            await exited;
          }
        }
        // What the leader started (containerd-shim and friends) may outlive it by a moment.
        if (options.group === true) signal('SIGKILL');
      })();
      return stopping;
    },
  };
}

function send(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined) return;
  try {
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}
