/**
 * `doctor daemon-json` on the built file, with a real dockerd (test/support/docker-daemon.ts) and a
 * distribution registry over plain HTTP on an address off loopback (which dockerd does not trust by
 * default): a forgotten comma (reported with line, column and the line, never rewritten, and dockerd
 * really refuses the file); a key spelled otherwise (dockerd refuses it too); a registry missing from
 * insecure-registries, from docker's own failure to `--fix daemon-json` (also with a broken config.json,
 * which this fix does not touch), "not reloaded", the reload (SIGHUP, as `systemctl reload docker` sends
 * it) and a push that works; a daemon with an --insecure-registry flag (the key is not added: dockerd
 * refuses both); a file that is not the person's (the sudo command, which does exactly the edit); no
 * daemon answering, or one that never answers (bounded); hostile text in the file, printed escaped;
 * diagnose writes nothing.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DockerClient, dockerClient } from '../support/docker-client.js';
import { type StartedDockerDaemon, dockerDaemonUnavailable, startDockerDaemon } from '../support/docker-daemon.js';
import { HELPER_BINARY, type HelperResult, runHelper } from '../support/helper-binary.js';
import { type OffLoopbackAddress, addOffLoopbackAddress, offLoopbackUnavailable } from '../support/off-loopback-address.js';
import { haveAll, requireReal } from '../support/real-components.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { snapshotChanges, snapshotEntries } from '../support/tree-snapshot.js';
import { doctorReport, shown, storeLogin } from '../support/doctor-e2e.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const unavailable = dockerDaemonUnavailable() ?? offLoopbackUnavailable();
if (unavailable && requireReal) throw new Error(`TSSTORE_REQUIRE_REAL=1 but ${unavailable}`);

const FORGOTTEN_COMMA = '{\n  "log-level": "warn"\n  "insecure-registries": ["10.213.0.1:5000"]\n}\n';
// Several keys, four-space indentation, a key after insecure-registries' place: all must stay as they are.
const ORIGINAL = '{\n    "log-level": "warn",\n    "labels": ["tsstore=e2e", "odd=a]b"],\n    "max-concurrent-downloads": 2\n}\n';


/** The one check's verdict from `doctor --json ... daemon-json`. */
function verdict(result: HelperResult): { status: string; details: string[] } {
  const report = doctorReport(result);
  expect(report.checks.map((check) => check.id)).toEqual(['daemon-json']);
  return report.checks[0] as { status: string; details: string[] };
}

/** `after` is `before` with one piece of text inserted; returns that piece. */
function insertion(before: string, after: string): string {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  const inserted = after.slice(start, start + after.length - before.length);
  expect(after.slice(0, start) + after.slice(start + inserted.length)).toBe(before);
  return inserted;
}

describe.skipIf(unavailable !== undefined || !haveAll(['docker', 'docker-registry', 'htpasswd', 'setpriv']))('doctor daemon-json with a real dockerd', () => {
  let address: OffLoopbackAddress;
  let registry: StartedRegistry;
  let daemon: StartedDockerDaemon;
  let client: DockerClient;
  let etc: string;
  let daemonJson: string;
  const doctor = (args: readonly string[], extra: Record<string, string> = {}): Promise<HelperResult> =>
    runHelper(['doctor', ...args], { env: { ...client.env, TSSTORE_DOCKER_DAEMON_JSON: daemonJson, ...extra }, cwd: client.home.home });

  beforeAll(async () => {
    address = addOffLoopbackAddress();
    registry = await startRegistry({ users: [alice], address: address.address });
    etc = mkdtempSync('/tmp/tsstore-e2e-etc-docker-');
    daemon = await startDockerDaemon({ config: ORIGINAL });
    // The very file the daemon reads: what --fix writes there is what a reload takes.
    daemonJson = daemon.configFile;
    await daemon.importImage('tsstore-e2e/app:1');
    client = dockerClient({ daemonHost: daemon.host });
    await storeLogin((args, input) => client.helper(args, input), registry.host, alice);
  }, 180_000);
  afterAll(async () => {
    await daemon?.stop();
    await registry?.stop();
    address?.remove();
    client?.home.cleanup();
    if (etc) rmSync(etc, { recursive: true, force: true });
  });

  it('a forgotten comma: line, column and the line; never rewritten; dockerd really refuses the file', async () => {
    const broken = join(etc, 'broken.json');
    writeFileSync(broken, FORGOTTEN_COMMA);
    const result = await doctor(['--json', 'daemon-json'], { TSSTORE_DOCKER_DAEMON_JSON: broken });
    expect(result.exitCode, shown(result)).toBe(1);
    const { status, details } = verdict(result);
    expect(status).toBe('problem');
    expect(details).toContain('line 3:   "insecure-registries": ["10.213.0.1:5000"]');
    expect(details.join('\n')).toMatch(/not valid JSON at line 3, column 3; dockerd refuses to start with it/);
    // The daemon that answers was started with another file: it would not come back after a restart.
    expect(details.join('\n')).toContain('it started before');
    expect(details.at(-1)).toBe(`run: \${EDITOR:-nano} ${broken}`);

    const fixing = await doctor(['--fix', 'daemon-json'], { TSSTORE_DOCKER_DAEMON_JSON: broken });
    expect(fixing.exitCode, shown(fixing)).toBe(1);
    expect(readFileSync(broken, 'utf8')).toBe(FORGOTTEN_COMMA);

    await expect(startDockerDaemon({ config: FORGOTTEN_COMMA, startTimeoutMs: 30_000 })).rejects.toThrow(/unable to configure the Docker daemon with file .*invalid character/);
  }, 120_000);

  it('no daemon answering, or one that never answers: one bounded line, the file still judged; hostile text escaped', async () => {
    const hostile = join(etc, 'hostile.json');
    writeFileSync(hostile, JSON.stringify({ 'insecure-registries': ['10.0.0.1:5000\u001b]0;owned\u0007'] }));
    const dead = await doctor(['daemon-json'], { TSSTORE_DOCKER_DAEMON_JSON: hostile, DOCKER_HOST: `unix://${join(etc, 'no-daemon.sock')}` });
    expect(dead.exitCode, shown(dead)).toBe(1);
    expect(dead.stdout).toMatch(/no daemon answered \(docker info: Cannot connect to the Docker daemon at unix:\/\/.*no-daemon\.sock/);
    expect(dead.stdout).toContain(`"${registry.host}": answers only plain HTTP and is not in insecure-registries of ${hostile}`);
    expect(dead.stdout).toContain('insecure-registries: "10.0.0.1:5000\\u001b]0;owned\\u0007"');
    expect(dead.stdout).not.toMatch(/[\u0007\u001b]/);

    // A socket that accepts and never answers: docker info is stopped at its deadline.
    const silentPath = join(etc, 'silent.sock');
    const silent: Server = createServer((socket) => socket.resume()); // reads, never answers
    await new Promise<void>((resolve) => silent.listen(silentPath, resolve));
    try {
      const stuck = await doctor(['--json', 'daemon-json'], { DOCKER_HOST: `unix://${silentPath}` });
      const { details } = verdict(stuck);
      expect(details).toContain('no daemon answered (docker info got no answer within 5 s): the running daemon is not compared with the file');
      expect(details).toContain(`add "${registry.host}" to "insecure-registries" in ${daemonJson}, then reload the daemon (it rereads insecure-registries on SIGHUP, and keeps its containers running)`);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 120_000);

  it('a file that is not yours: the sudo command, which makes exactly the edit --fix would', async () => {
    chmodSync(etc, 0o755); // mkdtemp made it 0700: the person must be able to read the path, as /etc/docker
    const rootOwned = join(etc, 'root-owned');
    mkdirSync(rootOwned, { mode: 0o755 });
    const file = join(rootOwned, 'daemon.json');
    writeFileSync(file, ORIGINAL);
    chmodSync(file, 0o604); // an odd mode, to see it kept
    // A person (uid 65534) whose config.json names the registry; their doctor cannot write root's file.
    const home = mkdtempSync('/tmp/tsstore-e2e-nobody-');
    mkdirSync(join(home, '.docker'), { mode: 0o700 });
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [registry.host]: {} } }));
    execFileChown(home);
    try {
      const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: home, DOCKER_CONFIG: join(home, '.docker'), TSSTORE_HOME: join(home, 'tsstore'), TSSTORE_BACKEND: 'pgp', TSSTORE_DOCKER_DAEMON_JSON: file, DOCKER_HOST: `unix://${join(home, 'none.sock')}` };
      const run = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', HELPER_BINARY, 'doctor', '--fix', 'daemon-json'], { env, extendEnv: false, reject: false, cwd: home, timeout: 60_000 });
      const out = String(run.stdout);
      expect(run.exitCode, out + String(run.stderr)).toBe(1);
      expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
      const command = `sudo ${HELPER_BINARY} add-insecure-registry --daemon-json ${file} ${registry.host}`;
      expect(out).toContain(`run: ${command}`);
      expect(out).toContain('is not yours to write');

      // What sudo would run, run as root here: only the entry is inserted; mode and owner stay.
      const asRoot = await execa(command.split(' ')[1] as string, command.split(' ').slice(2), { reject: false, timeout: 60_000 });
      expect(asRoot.exitCode, String(asRoot.stdout) + String(asRoot.stderr)).toBe(0);
      expect(String(asRoot.stdout)).toContain('dockerd rereads it when it is reloaded, which keeps its containers running: sudo systemctl reload docker, or without systemd sudo kill -HUP $(pidof dockerd)');
      const after = readFileSync(file, 'utf8');
      expect(insertion(ORIGINAL, after)).toBe(`,\n    "insecure-registries": ["${registry.host}"]`);
      expect(statSync(file).mode & 0o7777).toBe(0o604);
      expect(statSync(file).uid).toBe(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  it('a FIFO where daemon.json should be: every check that reads it ends, with a line saying why', async () => {
    const fifo = join(etc, 'fifo.json');
    await execa('mkfifo', [fifo]);
    const result = await doctor(['--json', 'daemon-json', 'certs-d', 'registry-login'], { TSSTORE_DOCKER_DAEMON_JSON: fifo });
    expect(result.exitCode, shown(result)).toBe(1);
    const report = doctorReport(result);
    const details = (id: string) => report.checks.find((check) => check.id === id)?.details ?? [];
    expect(details('daemon-json')).toContain('cannot read it: it is not a regular file');
    expect(details('registry-login')).toContain(`cannot use ${fifo} (it is not a regular file): assuming no insecure-registries`);
    expect(details('certs-d')).toContain(`cannot use ${fifo} (it is not a regular file): assuming no insecure-registries`);
  }, 120_000);

  it('a key spelled otherwise: dockerd refuses the file, doctor says so and writes nothing', async () => {
    const misspelled = join(etc, 'misspelled.json');
    const text = `{\n  "Insecure-Registries": ["${registry.host}"]\n}\n`;
    writeFileSync(misspelled, text);
    const result = await doctor(['--json', '--fix', 'daemon-json'], { TSSTORE_DOCKER_DAEMON_JSON: misspelled });
    expect(result.exitCode, shown(result)).toBe(1);
    const { details } = verdict(result);
    expect(details).toContain(
      `dockerd refuses to start with ${misspelled} ("the following directives don't match any configuration option: Insecure-Registries"; it matches keys exactly): rename "Insecure-Registries" to "insecure-registries" by hand`,
    );
    expect(readFileSync(misspelled, 'utf8')).toBe(text);
    await expect(startDockerDaemon({ config: text, startTimeoutMs: 30_000 })).rejects.toThrow(/the following directives don't match any configuration option: Insecure-Registries/);
  }, 120_000);

  it('a daemon with an --insecure-registry flag: the key is not added, since dockerd refuses a setting given both ways', async () => {
    const flagged = `${address.address}:1`;
    const other = await startDockerDaemon({ config: '{}\n', args: ['--insecure-registry', flagged] });
    try {
      const result = await doctor(['--fix', 'daemon-json'], { DOCKER_HOST: other.host, TSSTORE_DOCKER_DAEMON_JSON: other.configFile });
      expect(result.exitCode, shown(result, other)).toBe(1);
      expect(result.stdout).toContain(`the running daemon allows plain HTTP for "${flagged}", though ${other.configFile} has no "insecure-registries": if dockerd has --insecure-registry flags (systemctl cat docker), add "${registry.host}" there instead`);
      expect(readFileSync(other.configFile, 'utf8')).toBe('{}\n');
    } finally {
      await other.stop();
    }
    // What the edit would have led to.
    await expect(startDockerDaemon({ config: { 'insecure-registries': [registry.host] }, args: ['--insecure-registry', flagged], startTimeoutMs: 30_000 })).rejects.toThrow(
      /the following directives are specified both as a flag and in the configuration file: insecure-registries/,
    );
  }, 120_000);

  it('an HTTP registry missing from insecure-registries: docker fails, doctor names the entry, --fix adds it even with a broken config.json, says reload; after SIGHUP push works', async () => {
    const image = `${registry.host}/alice/app:1`;
    expect((await client.docker(['tag', 'tsstore-e2e/app:1', image])).exitCode).toBe(0);
    const login = await client.login(alice, registry.host);
    expect(login.exitCode).not.toBe(0);
    expect(login.stderr).toContain('server gave HTTP response to HTTPS client');
    const refused = await client.docker(['push', image]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('server gave HTTP response to HTTPS client');

    // Diagnose: names the entry, writes nothing (HOME, the daemon's file and its folder).
    const leftovers = () => readdirSync(dirname(daemonJson)).filter((name) => name.startsWith(`.${basename(daemonJson)}`));
    const before = { home: snapshotEntries(client.home.home), stat: statSync(daemonJson) };
    const looked = await doctor(['--json', 'daemon-json']);
    expect(looked.exitCode, shown(looked)).toBe(1);
    const found = verdict(looked);
    expect(found.status).toBe('problem');
    expect(found.details).toContain(`add "${registry.host}" to "insecure-registries" in ${daemonJson}, then reload the daemon (it rereads insecure-registries on SIGHUP, and keeps its containers running)`);
    expect(found.details.join('\n')).toContain('server gave HTTP response to HTTPS client');
    expect(found.details).toContainEqual(expect.stringMatching(/^the running daemon \(dockerd \S+\) uses what .* says$/));
    expect(snapshotChanges(before.home, snapshotEntries(client.home.home))).toEqual([]);
    expect(readFileSync(daemonJson, 'utf8')).toBe(ORIGINAL);
    expect(statSync(daemonJson)).toMatchObject({ ino: before.stat.ino, mtimeMs: before.stat.mtimeMs });
    expect(leftovers()).toEqual([]);

    // --fix without naming it leaves the daemon's file alone, and says how.
    const unnamed = await doctor(['--fix']);
    expect(unnamed.stdout).toContain('not fixed: this fix is run only when named: docker-credential-tsstore doctor --fix daemon-json');
    expect(readFileSync(daemonJson, 'utf8')).toBe(ORIGINAL);

    // A broken config.json stops the fixes that rewrite it, not this one, which never touches it.
    const config = readFileSync(client.configFile, 'utf8');
    writeFileSync(client.configFile, '{\n\t"credsStore": "tsstore",\n');
    let fixed: HelperResult;
    try {
      fixed = await doctor(['--fix', 'daemon-json']);
      expect(readFileSync(client.configFile, 'utf8')).toBe('{\n\t"credsStore": "tsstore",\n');
    } finally {
      writeFileSync(client.configFile, config);
    }
    expect(fixed.exitCode, shown(fixed)).toBe(1);
    expect(fixed.stdout).not.toContain('config.json must be fixed by hand first');
    const after = readFileSync(daemonJson, 'utf8');
    expect(insertion(ORIGINAL, after)).toBe(`,\n    "insecure-registries": ["${registry.host}"]`);
    expect(fixed.stdout).toContain(`added "${registry.host}" to "insecure-registries" in ${daemonJson}`);
    expect(fixed.stdout).toContain(`${daemonJson} lists the insecure registries "${registry.host}", which the running daemon does not use`);
    expect(fixed.stdout).toMatch(/dockerd rereads insecure-registries and registry-mirrors of .* when it is reloaded \(SIGHUP: sudo systemctl reload docker, or without systemd sudo kill -HUP \$\(pidof dockerd\)\), which keeps its containers running: the running daemon \(dockerd [^)]+\) was not reloaded since the file changed/);
    expect(fixed.stdout).toContain('run: sudo systemctl reload docker');
    expect(fixed.stdout).not.toContain('restart');

    // The reload, as systemd's ExecReload sends it: the same daemon takes the new entry.
    process.kill(daemon.pid, 'SIGHUP');
    await untilDaemonAllows(client, registry.host, daemon);
    const ok = await doctor(['--json', 'daemon-json']);
    expect(ok.exitCode, shown(ok, daemon)).toBe(0);
    expect(verdict(ok).details.join('\n')).toContain(`"${registry.host}": docker may use plain HTTP ("${registry.host}" is in insecure-registries of ${daemonJson})`);
    expect(verdict(ok).details).toContainEqual(expect.stringMatching(/^the running daemon \(dockerd \S+\) uses what .* says$/));
    const push = await client.docker(['push', image]);
    expect(push.exitCode, shown(push, daemon)).toBe(0);
    const manifest = await registry.request('/v2/alice/app/manifests/1', { user: alice, accept: 'application/vnd.docker.distribution.manifest.v2+json' });
    expect(manifest.status).toBe(200);
  }, 240_000);
});

/** Waits, within a bound, until `docker info` lists `host` as insecure (dockerd reloads in its own time after SIGHUP). */
async function untilDaemonAllows(client: DockerClient, host: string, daemon: StartedDockerDaemon): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = await client.docker(['info', '--format', '{{json .RegistryConfig.IndexConfigs}}']);
    const configs = info.exitCode === 0 ? (JSON.parse(info.stdout) as Record<string, { Secure?: boolean }>) : {};
    if (configs[host]?.Secure === false) return;
    if (Date.now() > deadline) throw new Error(`dockerd did not take ${host} within 30 s of SIGHUP: ${info.stdout}${info.stderr}\n${daemon.logs().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function execFileChown(path: string): void {
  chownSync(path, 65534, 65534);
  chownSync(join(path, '.docker'), 65534, 65534);
  chownSync(join(path, '.docker', 'config.json'), 65534, 65534);
}
