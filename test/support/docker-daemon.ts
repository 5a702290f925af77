/**
 * A real Docker daemon (Debian's `docker.io`, dockerd 20.10) for end-to-end tests, started as root with
 * everything in a temporary folder: data root, exec root, pid file and a unix socket; no iptables, no
 * bridge, the vfs storage driver, and a daemon.json of the test's own (`--config-file`, so the machine's
 * /etc/docker/daemon.json is never read).
 *
 * dockerd reads registry certificates only from /etc/docker/certs.d. To give it a certs.d of the test's
 * own without touching the machine's, it runs in a private mount namespace (`unshare --mount`) where a
 * folder of the test's is bind-mounted over /etc/docker; the namespace, and every mount dockerd makes in
 * it, goes away with the daemon.
 *
 * The daemon is its process group's leader, so stop() (and the test process's exit) ends it together with
 * the containerd it starts. Readiness is `GET /_ping` on its socket answering OK, bounded by a timeout.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { execa } from 'execa';
import { findOnPath } from './real-components.js';
import { startServerProcess } from './server-process.js';

export interface DockerDaemonOptions {
  /** daemon.json's content: an object (written as JSON) or exact text. Default `{}`. */
  config?: Record<string, unknown> | string;
  /** A folder laid out as /etc/docker/certs.d (`HOST:PORT/ca.crt`, ...) that this daemon reads. */
  certsD?: string;
  /** Bound on start-up (not an assertion: a guard against a hang). */
  startTimeoutMs?: number;
  /** More dockerd flags (`--insecure-registry HOST:PORT`), after this helper's own. */
  args?: readonly string[];
}

export interface StartedDockerDaemon {
  /** `unix:///tmp/.../docker.sock`: the value for DOCKER_HOST. */
  host: string;
  /** The folder that holds everything of this daemon. */
  dir: string;
  /** The daemon.json it was started with. */
  configFile: string;
  /** Environment for the docker CLI: DOCKER_HOST (merge with the test's own HOME/DOCKER_CONFIG). */
  env: { DOCKER_HOST: string };
  pid: number;
  /** What dockerd printed so far (bounded), for failure messages. */
  logs(): string;
  /** `docker import` of a one-file image under `reference` (nothing can be pulled here). */
  importImage(reference: string): Promise<void>;
  /** Ends the daemon and its containerd, removes its folder. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Why a daemon cannot be started here, or undefined when it can (root and dockerd on PATH). */
export function dockerDaemonUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'a Docker daemon needs root';
  for (const program of ['dockerd', 'unshare', 'docker']) {
    if (!findOnPath(program)) return `${program} is not installed (apt-get install docker.io util-linux)`;
  }
  return undefined;
}

export async function startDockerDaemon(options: DockerDaemonOptions = {}): Promise<StartedDockerDaemon> {
  const unavailable = dockerDaemonUnavailable();
  if (unavailable) throw new Error(unavailable);
  // Short: the socket path must fit in sun_path (108 bytes).
  const dir = mkdtempSync('/tmp/tsd-');
  const socket = join(dir, 'docker.sock');
  const configFile = join(dir, 'daemon.json');
  const etc = join(dir, 'etc-docker');
  mkdirSync(etc, { mode: 0o755 });
  writeFileSync(configFile, typeof options.config === 'string' ? options.config : `${JSON.stringify(options.config ?? {}, null, 2)}\n`);
  if (options.certsD) {
    // A symlink would point outside the bind mount's view; a bind of the folder itself keeps it live.
    mkdirSync(join(etc, 'certs.d'));
  }
  // The mount point has to exist on the machine; dockerd itself creates /etc/docker when it starts.
  if (!existsSync('/etc/docker')) mkdirSync('/etc/docker', { recursive: true, mode: 0o755 });

  const dockerdArgs = [
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'docker.pid'),
    '-H', `unix://${socket}`,
    '--iptables=false', '--ip6tables=false', '--bridge=none',
    '--storage-driver=vfs',
    '--config-file', configFile,
    ...(options.args ?? []),
  ];
  // $1 = the test's /etc/docker, $2 = its certs.d or "", then dockerd's own arguments.
  const script = [
    'set -e',
    'mount --bind "$1" /etc/docker',
    'if [ -n "$2" ]; then mount --bind "$2" /etc/docker/certs.d; fi',
    'shift 2',
    'exec dockerd "$@"',
  ].join('\n');
  const server = startServerProcess({
    command: 'unshare',
    args: ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', etc, options.certsD ?? '', ...dockerdArgs],
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir, LANG: 'C' },
    group: true,
    stopGraceMs: 20_000,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  };

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const readiness = await server.waitUntil(() => pings(socket), { timeoutMs, intervalMs: 100, waitingFor: 'answer /_ping' });
  if (!readiness.ready) {
    await stop();
    throw new Error(`dockerd ${readiness.why}:\n${server.logs()}`);
  }

  const host = `unix://${socket}`;
  return {
    host,
    dir,
    configFile,
    env: { DOCKER_HOST: host },
    pid: server.pid ?? 0,
    logs: () => server.logs(),
    importImage: async (reference) => {
      const rootfs = mkdtempSync(join(dir, 'rootfs-'));
      writeFileSync(join(rootfs, 'hello.txt'), `tsstore e2e image ${reference}\n`);
      const tarFile = `${rootfs}.tar`;
      await execa('tar', ['-C', rootfs, '-cf', tarFile, '.']);
      // A config dir of its own: importing needs no login and must not read the test's config.json.
      await execa('docker', ['import', tarFile, reference], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DOCKER_HOST: host, DOCKER_CONFIG: join(dir, 'cli-config') },
        extendEnv: false,
        timeout: 60_000,
      });
    },
    stop,
  };
}

function pings(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
