/**
 * A full or read-only disk under the store, on the built single file (pgp backend). The store lives on a
 * tiny tmpfs or behind a read-only bind mount, both made in a private mount namespace (`unshare --mount
 * --propagation private`, as root) that nothing else on the machine sees; every helper runs in it
 * through `nsenter`.
 *
 * `store` must fail cleanly (exit 1, one line that says why, no stack trace) and leave every credential
 * that was there intact and readable, byte for byte; once there is room again, everything works.
 * Needs root: skipped otherwise, and under TSSTORE_REQUIRE_REAL=1 a root that cannot make the namespace
 * fails the run.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { requireReal } from '../support/real-components.js';
import { snapshotTree } from '../support/tree-snapshot.js';

const NOT_FOUND = 'credentials not found in native keychain\n';
const loginJSON = (server: string, username: string, secret = `pw-of-${username}`) => JSON.stringify({ ServerURL: server, Username: username, Secret: secret });

/** Go's encoding/json escapes <, > and & (docker-credential-helpers prints `<token>` as \u003ctoken\u003e). */
const goEscaped = (json: string) => json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);

const isRoot = process.getuid?.() === 0;

/** Can this machine make a private mount namespace with a tmpfs and a read-only bind mount in it? */
function probeNamespaces(): { ok: boolean; reason: string } {
  if (!isRoot) return { ok: false, reason: 'not root: mounting a tmpfs or a bind mount needs root' };
  const dir = mkdtempSync(join(tmpdir(), 'tsstore-probe-'));
  try {
    const script = `mount -t tmpfs -o size=64k tmpfs "${dir}" && umount "${dir}" && mount --bind "${dir}" "${dir}" && mount -o remount,bind,ro "${dir}" && umount "${dir}"`;
    const result = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8' });
    if (result.error) return { ok: false, reason: `unshare cannot run: ${result.error.message}` };
    if (result.status !== 0) return { ok: false, reason: `unshare --mount failed: ${result.stderr.trim()}` };
    const nsenter = spawnSync('nsenter', ['--version'], { encoding: 'utf8' });
    if (nsenter.status !== 0) return { ok: false, reason: 'nsenter is missing' };
    return { ok: true, reason: '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const probe = probeNamespaces();
if (!probe.ok) console.log(`full-disk: skipped (${probe.reason})`);

it.runIf(isRoot && !probe.ok && requireReal)('TSSTORE_REQUIRE_REAL=1 and root: a private mount namespace can be made', () => {
  expect.fail(probe.reason);
});

describe.skipIf(!probe.ok)('a full or read-only disk under the store (built file, private mount namespace)', () => {
  /** A process that holds the private mount namespace open; everything else enters it. */
  let holder: ChildProcess;
  let holderPid = 0;
  let home: TemporaryHome;

  beforeAll(async () => {
    home = temporaryHome('tsstore-full-disk-');
    holder = spawn('unshare', ['--mount', '--propagation', 'private', 'sleep', '3600'], { stdio: 'ignore' });
    holderPid = holder.pid as number;
    const ours = readlinkSync('/proc/self/ns/mnt');
    for (let i = 0; i < 200; i++) {
      try {
        if (readlinkSync(`/proc/${holderPid}/ns/mnt`) !== ours) return;
      } catch {
        // not started yet
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('unshare never entered its own mount namespace');
  });
  afterAll(() => {
    holder?.kill('SIGKILL');
    home?.cleanup();
  });

  /** Runs a command inside the namespace. */
  const inNamespace = (command: string[], env: Record<string, string>, input?: string): Promise<HelperResult> =>
    runHelper(['-t', String(holderPid), '-m', '--', ...command], { binary: 'nsenter', env, input });
  const helper = (env: Record<string, string>, verb: string, input?: string) => inNamespace([HELPER_BINARY, verb], env, input ?? (verb === 'list' ? 'unused' : ''));
  const shell = async (script: string, env: Record<string, string> = home.env) => {
    const result = await inNamespace(['sh', '-c', script], env);
    expect(result.exitCode, `${script}: ${result.stdout}${result.stderr}`).toBe(0);
  };
  /** What the namespace sees at `path`, from outside it. */
  const seen = (path: string) => `/proc/${holderPid}/root${path}`;
  const envFor = (tsstoreHome: string) => ({ ...home.env, TSSTORE_HOME: tsstoreHome });

  function expectCleanFailure(result: HelperResult, reason: RegExp, label: string): void {
    const context = `${label}: ${JSON.stringify(result)}`;
    expect(result.exitCode, context).toBe(1);
    expect(result.stdout, context).toMatch(/^[^\n]+\n$/);
    expect(result.stdout, context).toMatch(reason);
    expect(result.stdout + result.stderr, context).not.toMatch(/\n\s+at |Error:|pw-of-/);
  }

  async function expectLogins(env: Record<string, string>, logins: Record<string, string>): Promise<void> {
    for (const [server, username] of Object.entries(logins)) {
      expect(await helper(env, 'get', server), server).toEqual({ stdout: `${goEscaped(loginJSON(server, username))}\n`, stderr: '', exitCode: 0 });
    }
    const listed = Object.entries(logins).sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(await helper(env, 'list')).toEqual({ stdout: `${goEscaped(JSON.stringify(Object.fromEntries(listed)))}\n`, stderr: '', exitCode: 0 });
  }

  const FULL = /the disk is full/;
  const READ_ONLY = /the file system is read-only/;

  it('a full tmpfs: every store fails with one line, nothing changes, every credential stays readable; then room again', async () => {
    const mount = join(home.home, 'full');
    mkdirSync(mount);
    await shell(`mount -t tmpfs -o size=512k,mode=0700 tmpfs "${mount}"`);
    const env = envFor(join(mount, 'tsstore'));
    const logins = { 'a.example': 'alice', 'b.example:5000': 'bob', 'https://index.docker.io/v1/': '<token>' };
    for (const [server, username] of Object.entries(logins)) expect((await helper(env, 'store', loginJSON(server, username))).exitCode).toBe(0);

    // Fill it: spare pages first (freed below), then everything that is left.
    await shell(`for i in 1 2; do head -c 4096 /dev/zero > "${mount}/spare$i"; done; dd if=/dev/zero of="${mount}/fill" bs=4096 2>/dev/null; true`);
    const before = snapshotTree(seen(join(mount, 'tsstore')));
    for (const [label, input] of [
      ['replace a login', loginJSON('a.example', 'alice-2')],
      ['a new server', loginJSON('new.example', 'nina')],
      ['a 100 KB secret', loginJSON('big.example', 'bea', 'x'.repeat(100_000))],
    ] as const) {
      expectCleanFailure(await helper(env, 'store', input), FULL, label);
    }
    expect(snapshotTree(seen(join(mount, 'tsstore'))), 'a failed store changed the store').toEqual(before);
    await expectLogins(env, logins);

    // One free page: room for a small credential, not for a 100 KB one, which fails half-written.
    await shell(`rm "${mount}/spare1"`);
    expectCleanFailure(await helper(env, 'store', loginJSON('big.example', 'bea', 'x'.repeat(100_000))), FULL, 'a 100 KB secret into one free page');
    expect(snapshotTree(seen(join(mount, 'tsstore'))), 'a half-written store was left behind').toEqual(before);
    expect(await helper(env, 'store', loginJSON('a.example', 'alice-2'))).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    await expectLogins(env, { ...logins, 'a.example': 'alice-2' });

    await shell(`rm "${mount}/fill" "${mount}/spare2"`);
    expect(await helper(env, 'store', loginJSON('big.example', 'bea', 'x'.repeat(100_000)))).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect((await helper(env, 'get', 'big.example')).stdout).toBe(`${loginJSON('big.example', 'bea', 'x'.repeat(100_000))}\n`);
    await shell(`test -z "$(ls -A "${mount}/tsstore/pgp/tmp")"`);
  });

  // The first store writes settings.json, the key and the credential: one 4 KiB page each on tmpfs.
  it.each([
    [0, 'settings.json'],
    [1, 'the key'],
    [2, 'the credential'],
  ])('a first store with %i free pages (no room for %s): one line, reads still answer, then it sets up fine', async (pages) => {
    const mount = join(home.home, `first-${pages}`);
    mkdirSync(mount);
    await shell(`mount -t tmpfs -o size=64k,mode=0700 tmpfs "${mount}"`);
    const env = envFor(join(mount, 'tsstore'));
    await shell(
      `for i in 1 2 3 4; do head -c 4096 /dev/zero > "${mount}/spare$i"; done; dd if=/dev/zero of="${mount}/fill" bs=4096 2>/dev/null; ` +
        `for i in $(seq 1 ${pages}); do rm "${mount}/spare$i"; done`,
    );
    expectCleanFailure(await helper(env, 'store', loginJSON('first.example', 'fred')), FULL, `first store with ${pages} free pages`);
    expect(await helper(env, 'get', 'first.example')).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    expect(await helper(env, 'list')).toEqual({ stdout: '{}\n', stderr: '', exitCode: 0 });
    // Nothing half-written: no temporary file anywhere, no empty or partial key.
    await shell(`test -z "$(find "${mount}/tsstore" -name '*.tmp' 2>/dev/null)" && { test ! -e "${mount}/tsstore/pgp/private-key.asc" || grep -q 'END PGP PRIVATE KEY BLOCK' "${mount}/tsstore/pgp/private-key.asc"; }`);

    await shell(`rm "${mount}/fill"`);
    const next = await helper(env, 'store', loginJSON('first.example', 'fred'));
    expect(next.exitCode, JSON.stringify(next)).toBe(0);
    await expectLogins(env, { 'first.example': 'fred' });
  });

  it('a read-only bind mount: store and erase fail with one line, nothing changes, get and list work', async () => {
    const logins = { 'a.example': 'alice', 'b.example:5000': 'bob', 'https://index.docker.io/v1/': '<token>' };
    const store = join(home.home, 'ro-store');
    const env = envFor(store);
    for (const [server, username] of Object.entries(logins)) {
      expect((await runHelper(['store'], { env, input: loginJSON(server, username) })).exitCode).toBe(0);
    }
    await shell(`mount --bind "${store}" "${store}" && mount -o remount,bind,ro "${store}"`);
    const before = snapshotTree(store);
    for (const [label, verb, input] of [
      ['replace a login', 'store', loginJSON('a.example', 'alice-2')],
      ['a new server', 'store', loginJSON('new.example', 'nina')],
      ['erase', 'erase', 'b.example:5000'],
    ] as const) {
      expectCleanFailure(await helper(env, verb, input), READ_ONLY, label);
    }
    await expectLogins(env, logins);
    expect(snapshotTree(store), 'the store changed behind the read-only mount').toEqual(before);
  });

  it('a first store under a read-only HOME: one line; reads answer not-found and an empty list', async () => {
    const readOnlyHome = join(home.home, 'ro-home');
    mkdirSync(readOnlyHome);
    await shell(`mount --bind "${readOnlyHome}" "${readOnlyHome}" && mount -o remount,bind,ro "${readOnlyHome}"`);
    const env = { ...home.env, HOME: readOnlyHome, TSSTORE_HOME: '' };
    delete (env as Record<string, string | undefined>).TSSTORE_HOME;
    expectCleanFailure(await helper(env, 'store', loginJSON('first.example', 'fred')), READ_ONLY, 'first store');
    expect(await helper(env, 'get', 'first.example')).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    expect(await helper(env, 'list')).toEqual({ stdout: '{}\n', stderr: '', exitCode: 0 });
  });
});
