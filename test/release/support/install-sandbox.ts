/**
 * A place to `dpkg -i` a package for real without changing the machine: a process in a private mount
 * namespace (`unshare --mount`) where /usr and /var are overlays whose writable layers live on a tmpfs of
 * that namespace. dpkg writes its files and its database there; every other process, the other test
 * worker included, still sees the machine's own /usr and /var, and all of it is gone when the namespace
 * ends. Commands run inside with `nsenter --target PID --mount`; `launcher` is that prefix.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { type HelperResult } from '../../support/helper-binary.js';
import { findOnPath } from '../../support/real-components.js';

export interface InstallSandbox {
  /** `nsenter --target PID --mount --`: put it before a command to run that command inside. */
  launcher: readonly string[];
  exec(command: string, args: readonly string[], options?: { input?: string; env?: Record<string, string> }): Promise<HelperResult>;
  stop(): Promise<void>;
}

/** Why a sandbox cannot be made here, or undefined when it can. */
export function installSandboxUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'installing a package needs root';
  for (const program of ['unshare', 'nsenter', 'dpkg', 'mount']) {
    if (!findOnPath(program)) return `${program} is not installed (util-linux, dpkg)`;
  }
  return undefined;
}

const READY = 'sandbox-ready';

export async function startInstallSandbox(options: { startTimeoutMs?: number } = {}): Promise<InstallSandbox> {
  const unavailable = installSandboxUnavailable();
  if (unavailable) throw new Error(unavailable);
  // Only a mount point: the tmpfs mounted on it exists inside the namespace alone.
  const layers = mkdtempSync('/tmp/tsstore-sandbox-');
  const script = [
    'set -e',
    'mount -t tmpfs -o mode=0700 tsstore-sandbox "$1"',
    'for dir in usr var; do',
    '  mkdir "$1/$dir-upper" "$1/$dir-work"',
    '  mount -t overlay overlay -o "lowerdir=/$dir,upperdir=$1/$dir-upper,workdir=$1/$dir-work" "/$dir"',
    'done',
    `echo ${READY}`,
    'exec sleep infinity',
  ].join('\n');
  const child = spawn(findOnPath('unshare') ?? 'unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', layers], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
  });
  const onExit = () => killGroup(child);
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    killGroup(child);
    rmSync(layers, { recursive: true, force: true });
  };

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let output = '';
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const done = (value: boolean) => {
      clearTimeout(timer);
      resolve(value);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(READY)) done(true);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', () => done(false));
    child.once('error', () => done(false));
  });
  if (!ready || child.pid === undefined) {
    await stop();
    throw new Error(`the install sandbox (overlays on /usr and /var in a private mount namespace) did not start within ${timeoutMs} ms:\n${output}`);
  }

  const launcher = [findOnPath('nsenter') ?? 'nsenter', '--target', String(child.pid), '--mount', '--'];
  const exec: InstallSandbox['exec'] = async (command, args, execOptions = {}) => {
    const result = await execa(launcher[0] ?? 'nsenter', [...launcher.slice(1), command, ...args], {
      input: execOptions.input ?? '',
      env: execOptions.env ?? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      timeout: 120_000,
    });
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
  };
  return { launcher, exec, stop };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
