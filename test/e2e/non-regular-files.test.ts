/**
 * A FIFO, a device or a folder where the built file expects a regular file: every read ends at once, with
 * one clear line and exit 1 (a doctor finding), and changes nothing on disk. Before, the open of a FIFO
 * waited for a writer that never came: `get` and `list` hung docker for ever, and a FIFO named ca.crt hung
 * the doctor. Each run has a bound in its spawn (not a timed assertion), so a hang fails the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, temporaryHome } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { snapshotEntries } from '../support/tree-snapshot.js';

/** Far above the second these take, far below the test's 60 s: a hang is a failure, not a stuck CI. */
const BOUND_MS = 20_000;

let home: TemporaryHome;
let env: Record<string, string>;

async function run(args: readonly string[], input = ''): Promise<HelperResult & { timedOut: boolean }> {
  const result = await execa(HELPER_BINARY, args, { input, env, extendEnv: false, reject: false, stripFinalNewline: false, cwd: home.home, timeout: BOUND_MS });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1, timedOut: result.timedOut };
}

const mkfifo = (path: string): void => void execFileSync('mkfifo', ['-m', '600', path]);

function replaceWithFifo(path: string): void {
  rmSync(path);
  mkfifo(path);
}

async function storeOne(serverURL: string): Promise<void> {
  const stored = await run(['store'], JSON.stringify({ ServerURL: serverURL, Username: 'alice', Secret: 'secret-of-alice' }));
  expect(stored, stored.stdout + stored.stderr).toMatchObject({ exitCode: 0, stdout: '' });
}

const settingsFile = () => join(env.TSSTORE_HOME as string, 'settings.json');
const credentialsDir = () => join(env.TSSTORE_HOME as string, 'pgp', 'credentials');
const credentialFile = () => join(credentialsDir(), readdirSync(credentialsDir()).find((name) => name.endsWith('.asc')) as string);

beforeEach(async () => {
  home = temporaryHome('tsstore-e2e-fifo-');
  env = { ...home.env };
  // init records the pgp backend in settings.json (no TSSTORE_BACKEND: settings.json is then read).
  const init = await run(['init', '--backend', 'pgp', '--no-docker-config']);
  expect(init.exitCode, init.stdout + init.stderr).toBe(0);
});
afterEach(() => home.cleanup());

describe('the protocol verbs meet a FIFO or a device', () => {
  it('a FIFO settings.json: get and list answer one line, exit 1, and change nothing', async () => {
    await storeOne('reg.example:5000');
    replaceWithFifo(settingsFile());
    const before = snapshotEntries(home.home);
    for (const [verb, input] of [['get', 'reg.example:5000'], ['list', 'unused']] as const) {
      const result = await run([verb], input);
      expect(result.timedOut, verb).toBe(false);
      expect(result, verb).toEqual({ stdout: `cannot read ${settingsFile()}: it is a FIFO (named pipe), not a regular file\n`, stderr: '', exitCode: 1, timedOut: false });
    }
    expect(snapshotEntries(home.home)).toEqual(before);
  });

  it('a FIFO credential file: get answers one line and exit 1; list leaves it out and answers the others', async () => {
    await storeOne('reg.example:5000');
    const fifo = credentialFile();
    replaceWithFifo(fifo);
    await storeOne('other.example');
    const before = snapshotEntries(home.home);
    const get = await run(['get'], 'reg.example:5000');
    expect(get).toEqual({ stdout: `cannot read ${fifo}: it is a FIFO (named pipe), not a regular file\n`, stderr: '', exitCode: 1, timedOut: false });
    expect(snapshotEntries(home.home)).toEqual(before);
    // list reads armor headers only; a file that has none is not one of ours (one bad neighbour never breaks list).
    const list = await run(['list'], 'unused');
    expect(list).toEqual({ stdout: '{"other.example":"alice"}\n', stderr: '', exitCode: 0, timedOut: false });
  });

  it('a credential file that is a link to /dev/zero, and a folder: refused by what they are, unread', async () => {
    await storeOne('reg.example:5000');
    const file = credentialFile();
    rmSync(file);
    symlinkSync('/dev/zero', file);
    const zero = await run(['get'], 'reg.example:5000');
    expect(zero).toEqual({ stdout: `cannot read ${file}: it is a character device, not a regular file\n`, stderr: '', exitCode: 1, timedOut: false });
    rmSync(file);
    mkdirSync(file);
    const folder = await run(['get'], 'reg.example:5000');
    expect(folder).toEqual({ stdout: `cannot read ${file}: it is a folder, not a regular file\n`, stderr: '', exitCode: 1, timedOut: false });
  });

  it('a FIFO store key: get of a stored login answers one line, exit 1', async () => {
    await storeOne('reg.example:5000');
    const key = join(env.TSSTORE_HOME as string, 'pgp', 'private-key.asc');
    replaceWithFifo(key);
    const before = snapshotEntries(home.home);
    const get = await run(['get'], 'reg.example:5000');
    expect(get).toEqual({ stdout: `cannot read ${key}: it is a FIFO (named pipe), not a regular file\n`, stderr: '', exitCode: 1, timedOut: false });
    expect(snapshotEntries(home.home)).toEqual(before);
  });

  it('a FIFO list cache is no cache: list scans and answers', async () => {
    await storeOne('reg.example:5000');
    mkfifo(join(env.TSSTORE_HOME as string, 'pgp', 'list-cache.json'));
    const list = await run(['list'], 'unused');
    expect(list).toEqual({ stdout: '{"reg.example:5000":"alice"}\n', stderr: '', exitCode: 0, timedOut: false });
  });
});

describe('doctor meets a FIFO', () => {
  it('a FIFO named ca.crt in certs.d: registry-login, clock and certs-d finish, certs-d names it, nothing changes', async () => {
    // A registry on a closed port: the authorities are read before any connection is tried.
    const registry = '127.0.0.1:9';
    const certsD = join(home.home, 'etc-docker', 'certs.d');
    mkdirSync(join(certsD, registry), { recursive: true });
    mkfifo(join(certsD, registry, 'ca.crt'));
    env = { ...env, TSSTORE_DOCKER_CERTS_D: certsD, TSSTORE_DOCKER_DAEMON_JSON: join(home.home, 'etc-docker', 'daemon.json') };
    await storeOne(registry);
    const before = snapshotEntries(home.home);
    const result = await run(['doctor', '--json', 'registry-login', 'clock', 'certs-d']);
    expect(result.timedOut, result.stderr).toBe(false);
    const report = JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string; details: string[] }> };
    expect(report.checks.map((check) => check.id).sort()).toEqual(['certs-d', 'clock', 'registry-login']);
    expect(report.checks.every((check) => check.status !== 'crashed'), result.stdout).toBe(true);
    expect(report.checks.find((check) => check.id === 'certs-d')?.details.join('\n')).toContain('ca.crt is not a regular file');
    expect(snapshotEntries(home.home)).toEqual(before);
  });
  it.skipIf(!haveAll(['podman']))('a FIFO registries.conf: the containers check reports it as a problem, does not crash, and nothing changes', async () => {
    const conf = join(home.home, '.config', 'containers', 'registries.conf');
    mkdirSync(join(home.home, '.config', 'containers'), { recursive: true });
    mkfifo(conf);
    const before = snapshotEntries(home.home);
    const result = await run(['doctor', '--json', 'containers']);
    expect(result.timedOut, result.stderr).toBe(false);
    const check = (JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string; details: string[] }> }).checks[0];
    expect(check?.status, result.stdout).toBe('problem');
    expect(check?.details.join('\n')).toContain(`cannot read ${conf}: it is a FIFO (named pipe), not a regular file`);
    expect(snapshotEntries(home.home)).toEqual(before);
  });
});
