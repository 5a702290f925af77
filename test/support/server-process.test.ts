/** The server-process helper the registry and dockerd handles share, on real processes (sh). */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, type ServerProcessOptions, startServerProcess } from './server-process.js';

const started: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

const sh = (script: string, options: Partial<ServerProcessOptions> = {}): ServerProcess => {
  const server = startServerProcess({ command: 'sh', args: ['-c', script], cwd: '/', env: { PATH: '/usr/bin:/bin' }, stopGraceMs: 5_000, ...options });
  started.push(server);
  return server;
};
const logged = (server: ServerProcess, text: string) => async () => server.logs().includes(text);
/** Running, not a zombie (nobody may reap an orphan in a container whose PID 1 is not an init). */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
};

describe('startServerProcess', () => {
  it('is ready when the probe answers true, and keeps stdout and stderr', async () => {
    const server = sh('echo starting; echo ready >&2; exec sleep 60');
    expect(await server.waitUntil(logged(server, 'ready'), { timeoutMs: 30_000, intervalMs: 10, waitingFor: 'say ready' })).toEqual({ ready: true });
    expect(server.logs()).toContain('starting\n');
    expect(server.exitInfo()).toBeUndefined();
    await server.stop();
    expect(server.exitInfo()).toBe('exited with SIGTERM');
  });

  it('says how the process ended when it ends before it is ready', async () => {
    const server = sh('echo "address already in use" >&2; exit 3');
    expect(await server.waitUntil(async () => false, { timeoutMs: 30_000, intervalMs: 10, waitingFor: 'answer' })).toEqual({ ready: false, exited: true, why: 'exited with code 3' });
    expect(server.logs()).toBe('address already in use\n');
  });

  it('says what it waited for when the bound passes', async () => {
    const server = sh('exec sleep 60');
    expect(await server.waitUntil(async () => false, { timeoutMs: 50, intervalMs: 10, waitingFor: 'answer /_ping' })).toEqual({
      ready: false,
      exited: false,
      why: 'did not answer /_ping within 50 ms',
    });
  });

  it('names a program that cannot be run', async () => {
    const server = startServerProcess({ command: '/nonexistent/server', args: [], cwd: '/', env: {}, stopGraceMs: 1_000 });
    started.push(server);
    const readiness = await server.waitUntil(async () => false, { timeoutMs: 30_000, intervalMs: 10, waitingFor: 'answer' });
    expect(readiness).toEqual({ ready: false, exited: true, why: expect.stringMatching(/^could not be run: spawn \/nonexistent\/server ENOENT/) });
  });

  it('kills with SIGKILL a server that ignores SIGTERM, once the grace period is over', async () => {
    const server = sh("trap '' TERM; echo trapped; while :; do sleep 1; done", { stopGraceMs: 200 });
    expect((await server.waitUntil(logged(server, 'trapped'), { timeoutMs: 30_000, intervalMs: 10, waitingFor: 'trap' })).ready).toBe(true);
    await server.stop();
    expect(server.exitInfo()).toBe('exited with SIGKILL');
    await server.stop(); // a second stop is a no-op
  });

  it('with group: stop() ends what the server started too', async () => {
    const server = sh('sleep 60 & echo "child $!"; wait', { group: true });
    expect((await server.waitUntil(logged(server, 'child '), { timeoutMs: 30_000, intervalMs: 10, waitingFor: 'start a child' })).ready).toBe(true);
    const child = Number(/child (\d+)/.exec(server.logs())?.[1]);
    expect(alive(child)).toBe(true);
    await server.stop();
    // SIGKILL to the group is sent before stop() returns; the kernel ends the child at once.
    expect(await waitFor(() => !alive(child))).toBe(true);
  });

  it('control: without group, what the server started outlives stop() (so the case above can fail)', async () => {
    const server = sh('sleep 60 & echo "child $!"; wait');
    expect((await server.waitUntil(logged(server, 'child '), { timeoutMs: 30_000, intervalMs: 10, waitingFor: 'start a child' })).ready).toBe(true);
    const child = Number(/child (\d+)/.exec(server.logs())?.[1]);
    await server.stop();
    try {
      expect(alive(child)).toBe(true);
    } finally {
      process.kill(child, 'SIGKILL');
    }
  });

  it('keeps only the last 256 KiB of what the server printed', async () => {
    const server = sh('head -c 300000 /dev/zero | tr "\\0" a; echo END');
    await server.waitUntil(async () => false, { timeoutMs: 30_000, intervalMs: 10, waitingFor: 'end' });
    expect(server.logs().length).toBe(256 * 1024);
    expect(server.logs().endsWith('aaaEND\n')).toBe(true);
  });
});

/** Polls a condition for up to 10 s (a guard, not an assertion on time). */
async function waitFor(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}
