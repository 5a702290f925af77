/**
 * Secret hygiene on the built single file (pgp backend): a secret given to `store` is never visible to
 * other local users or left in plain text anywhere.
 *
 * - never in any process's argv or environment (all of /proc scanned again and again while many stores and
 *   gets run, children of the helper included; a planted canary proves the scan sees what it should);
 * - never on stderr, never in an error message (errors provoked with the secret in the input), never on
 *   stdout but in the `get` of its own server;
 * - never in TMPDIR (the helper gets its own) nor in any file under HOME, in UTF-8, UTF-16, hex or base64;
 * - files 0600 and folders 0700 even under umask 000, temporary files included;
 * - the private key is refused, with a message that says what to do, when group or others can read it.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialFileName } from '../../src/backends/pgp/layout.js';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { type Leak, modesUnder, scanTreeForSecrets, secretForms, watchProcesses } from '../support/proc-scan.js';
import { findOnPath, requireReal } from '../support/real-components.js';
import { snapshotTree } from '../support/tree-snapshot.js';

const NOT_FOUND = 'credentials not found in native keychain\n';
const loginJSON = (server: string, username: string, secret: string) => JSON.stringify({ ServerURL: server, Username: username, Secret: secret });
const newSecret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/** Runs `count` jobs, `width` at a time. */
async function inWaves<T>(count: number, width: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, i) => job(start + i)))));
  }
  return results;
}

describe('secret hygiene (built file)', () => {
  let home: TemporaryHome;
  let tmp: string;
  /** Every secret this file hands to the helper, with the byte forms that would betray it. */
  const secrets = new Map<string, Buffer[]>();
  const remember = (secret: string) => {
    secrets.set(secret, secretForms(secret));
    return secret;
  };
  const outputs: Array<{ label: string; result: HelperResult; mayShow?: string }> = [];
  const run = async (label: string, args: string[], input: string | Buffer, options: { mayShow?: string; env?: Record<string, string> } = {}) => {
    const result = await runHelper(args, { env: { ...home.env, ...options.env }, input });
    outputs.push({ label, result, mayShow: options.mayShow });
    return result;
  };

  beforeAll(() => {
    home = temporaryHome('tsstore-hygiene-');
    tmp = join(home.home, 'tmpdir');
    mkdirSync(tmp, { mode: 0o700 });
    home.env.TMPDIR = tmp;
  });
  afterAll(() => home.cleanup());

  it('no secret in any argv or environment while 24 stores, 24 gets, a list and 8 erases run; the scan sees a planted one', async () => {
    const canary = remember(newSecret('canary'));
    // A process with the canary in its argv, as a careless helper would have a secret.
    const sleeper = execa(process.execPath, ['-e', 'setTimeout(() => {}, 120000)', canary]);
    const watch = watchProcesses(secrets);
    const servers = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? `https://hygiene-${i}.example/v2/` : `hygiene-${i}.example:5000`));
    const owned = servers.map((_, i) => remember(i % 4 === 0 ? `pässwörd «${i}» ${randomBytes(9).toString('base64')}` : newSecret(`s3cr3t${i}`)));
    try {
      await inWaves(servers.length, 8, (i) => run(`store ${servers[i]}`, ['store'], loginJSON(servers[i] as string, `user-${i}`, owned[i] as string)));
      const gets = await inWaves(servers.length, 8, (i) => run(`get ${servers[i]}`, ['get'], servers[i] as string, { mayShow: owned[i] }));
      gets.forEach((result, i) => expect(JSON.parse(result.stdout).Secret, servers[i]).toBe(owned[i]));
      await run('list', ['list'], 'unused');
      await inWaves(8, 8, (i) => run(`erase ${servers[i]}`, ['erase'], servers[i] as string));
    } finally {
      sleeper.kill('SIGKILL');
      await sleeper.catch(() => undefined);
    }
    const { passes, leaks, seen } = await watch.stop();

    const helpers = [...seen.values()].filter((sample) => sample.argv[0]?.endsWith('docker-credential-tsstore'));
    const helperPids = new Set(helpers.map((sample) => sample.pid));
    const children = [...seen.values()].filter((sample) => helperPids.has(sample.ppid));
    console.log(
      `hygiene: ${passes} passes over /proc, ${helpers.length} helper processes caught running, ${children.length} children of theirs` +
        (children.length > 0 ? ` (${children.map((child) => child.argv.join(' ').slice(0, 80)).join('; ')})` : ''),
    );
    expect(leaks.filter((leak) => leak.secret === canary).length, 'the scan missed the planted canary').toBeGreaterThan(0);
    expect(helpers.length, 'the scan never caught a helper running').toBeGreaterThan(0);
    expect(leaks.filter((leak) => leak.secret !== canary)).toEqual([]);
    secrets.delete(canary);
  }, 120_000);

  it('no secret in any error message, provoked with the secret in the input', async () => {
    const s = () => remember(newSecret('err'));
    const big = s();
    const cases: Array<[string, string[], string | Buffer]> = [
      ['truncated JSON', ['store'], `{"ServerURL":"h","Username":"u","Secret":"${s()}"`],
      ['data after the JSON', ['store'], `{"ServerURL":"h","Username":"u","Secret":"${s()}"} and more`],
      ['a trailing comma', ['store'], `{"ServerURL":"h","Username":"u","Secret":"${s()}",}`],
      ['a broken value after the secret', ['store'], `{"ServerURL":"h","Username":"u","Secret":"${s()}","x":tru}`],
      ['an unquoted secret', ['store'], `{"ServerURL":"h","Username":"u","Secret":${s()}}`],
      ['the secret pasted as the server URL, with a NUL', ['store'], loginJSON(`${s()}\u0000`, 'u', 'x')],
      ['the secret pasted as the username, with a newline', ['store'], loginJSON('h', `${s()}\n`, 'x')],
      ['a username far too long, made of the secret', ['store'], loginJSON('h', s().repeat(60), 'x')],
      ['a secret object', ['store'], `{"ServerURL":"h","Username":"u","Secret":{"inner":"${s()}"}}`],
      ['a secret number-like string in the wrong field', ['store'], `{"ServerURL":"h","Username":["${s()}"],"Secret":"x"}`],
      ['more than 1 MiB', ['store'], loginJSON('h', 'u', `${big}${'x'.repeat(1_100_000)}`)],
      ['invalid UTF-8 after the secret', ['store'], Buffer.concat([Buffer.from(`{"ServerURL":"h","Username":"u","Secret":"${s()}`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])],
      ['get with the secret pasted as the server URL', ['get'], s()],
      ['get with the secret and a control character', ['get'], `${s()}\u0007`],
      ['erase with the secret pasted as the server URL', ['erase'], s()],
    ];
    for (const [label, args, input] of cases) {
      for (const debug of [false, true]) {
        const result = await run(`${label}${debug ? ' (TSSTORE_DEBUG=1)' : ''}`, args, input, { env: debug ? { TSSTORE_DEBUG: '1' } : {} });
        expect(result.exitCode, label).toBe(1);
        expect(result.stdout.split('\n'), `${label}: one line`).toHaveLength(2);
      }
    }

    // Failures deep inside a store or a get, with secrets in flight.
    const pgp = join(home.env.TSSTORE_HOME as string, 'pgp');
    const victim = 'victim.example';
    const victimSecret = remember(newSecret('victim'));
    expect((await run('store victim', ['store'], loginJSON(victim, 'v', victimSecret))).exitCode).toBe(0);

    writeFileSync(join(pgp, 'credentials', credentialFileName(victim)), '-----BEGIN PGP MESSAGE-----\n\nd2hhdGV2ZXI=\n-----END PGP MESSAGE-----\n');
    const damaged = await run('get of a damaged credential', ['get'], victim, { env: { TSSTORE_DEBUG: '1' } });
    expect(damaged.exitCode).toBe(1);

    chmodSync(join(pgp, 'private-key.asc'), 0o644);
    expect((await run('store with an unsafe key', ['store'], loginJSON(victim, 'v', remember(newSecret('unsafe'))), { env: { TSSTORE_DEBUG: '1' } })).exitCode).toBe(1);
    chmodSync(join(pgp, 'private-key.asc'), 0o600);

    const credentials = join(pgp, 'credentials');
    renameSync(credentials, `${credentials}.away`);
    writeFileSync(credentials, 'not a folder');
    try {
      const blocked = await run('store where credentials/ is a file', ['store'], loginJSON('blocked.example', 'b', remember(newSecret('blocked'))), { env: { TSSTORE_DEBUG: '1' } });
      expect(blocked.exitCode).toBe(1);
      expect(blocked.stdout.split('\n')).toHaveLength(2);
    } finally {
      rmSync(credentials);
      renameSync(`${credentials}.away`, credentials);
    }
  });

  it('no secret on stderr or stdout of any run, except in the get of its own server', () => {
    expect(outputs.length).toBeGreaterThan(60);
    const leaks: Leak[] = [];
    for (const { label, result, mayShow } of outputs) {
      const others = new Map([...secrets].filter(([secret]) => secret !== mayShow));
      for (const [stream, text] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
        // A JSON answer carries the secret escaped: look at the text as it is and as JSON would decode it.
        const haystacks = [Buffer.from(text)];
        if (stream === 'stdout' && text.startsWith('{')) haystacks.push(Buffer.from(JSON.stringify(JSON.parse(text))));
        for (const haystack of haystacks) {
          for (const [secret, forms] of others) {
            if (forms.some((form) => haystack.includes(form))) leaks.push({ secret, where: `${stream} of ${label}` });
          }
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('no secret in the helper\'s TMPDIR, nor in any file under HOME (credential files are OpenPGP messages)', () => {
    console.log(`hygiene: TMPDIR holds ${JSON.stringify(readdirSync(tmp))}`);
    expect(scanTreeForSecrets(tmp, secrets)).toEqual([]);
    expect(scanTreeForSecrets(home.home, secrets)).toEqual([]);
    const credentials = join(home.env.TSSTORE_HOME as string, 'pgp', 'credentials');
    const files = readdirSync(credentials);
    expect(files.length).toBeGreaterThan(10);
    for (const name of files) {
      expect(readFileSync(join(credentials, name), 'utf8'), name).toMatch(/^-----BEGIN PGP MESSAGE-----\r?\n/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------

/** Runs the helper with umask 000, the most permissive a user can have. */
const UMASK_000 = ['-c', 'umask 000; exec "$0" "$@"'];
const runUmask000 = (args: string[], input: string, env: Record<string, string>) =>
  runHelper([...UMASK_000, HELPER_BINARY, ...args], { binary: 'sh', env, input });

const STRACE = findOnPath('strace');
const straceWorks = STRACE !== undefined && spawnSync(STRACE, ['-f', '-o', '/dev/null', 'true']).status === 0;
if (!straceWorks) console.log('hygiene: strace is missing or cannot trace here; the temporary-file mode test is skipped (apt-get install strace)');

it.runIf(requireReal && !straceWorks)('TSSTORE_REQUIRE_REAL=1: strace is there and can trace (the temporary-file mode test needs it)', () => {
  expect.fail(STRACE === undefined ? 'strace is not installed (apt-get install strace)' : `${STRACE} cannot trace here`);
});

describe('modes under umask 000 (built file)', () => {
  let home: TemporaryHome;
  beforeAll(() => {
    home = temporaryHome('tsstore-umask-');
  });
  afterAll(() => home.cleanup());

  it('the umask really is 000 in the helper', async () => {
    const shown = await runHelper([...UMASK_000, 'sh', '-c', 'umask'], { binary: 'sh', env: home.env });
    expect(shown.stdout.trim()).toBe('0000');
  });

  it.each([
    ['the XDG folders (no TSSTORE_HOME)', (home: TemporaryHome): Record<string, string | undefined> => ({ ...home.env, TSSTORE_HOME: undefined })],
    ['a TSSTORE_HOME three folders deep that does not exist yet', (home: TemporaryHome): Record<string, string | undefined> => ({ ...home.env, TSSTORE_HOME: join(home.home, 'deep', 'er', 'tsstore') })],
  ])('in %s: every file 0600, every folder 0700', async (_name, envOf) => {
    const env = Object.fromEntries(Object.entries(envOf(home)).filter(([, value]) => value !== undefined)) as Record<string, string>;
    const before = new Set(modesUnder(home.home).keys());
    for (const [server, user] of [['a.example', 'u1'], ['b.example:5000', 'u2'], ['a.example', 'u3']]) {
      const stored = await runUmask000(['store'], loginJSON(server as string, user as string, 'pw'), env);
      expect(stored.exitCode, JSON.stringify(stored)).toBe(0);
    }
    expect((await runUmask000(['erase'], 'b.example:5000', env)).exitCode).toBe(0);
    expect((await runUmask000(['get'], 'a.example', env)).stdout).toBe(`${loginJSON('a.example', 'u3', 'pw')}\n`);
    expect((await runUmask000(['list'], 'unused', env)).stdout).toBe('{"a.example":"u3"}\n');

    const made = [...modesUnder(home.home)].filter(([path]) => !before.has(path));
    expect(made.length).toBeGreaterThanOrEqual(7);
    const wrong = made.filter(([path, mode]) => mode !== (path.endsWith('/') ? 0o700 : 0o600)).map(([path, mode]) => `${path} ${mode.toString(8)}`);
    expect(wrong).toEqual([]);
  });

  it.skipIf(!straceWorks)('a temporary file caught before its rename is 0600 too', async () => {
    // strace stops the helper (SIGSTOP) right after it synced its temporary file, before the rename. The
    // store is set up by the test above, so the first fsync is the credential's.
    const env = { ...home.env, TSSTORE_HOME: join(home.home, 'deep', 'er', 'tsstore') };
    const pgpTmp = join(env.TSSTORE_HOME, 'pgp', 'tmp');
    expect(readdirSync(pgpTmp)).toEqual([]);
    const child = execa(
      'sh',
      [...UMASK_000, STRACE as string, '-f', '-o', '/dev/null', '-e', 'trace=fsync', '-e', 'inject=fsync:signal=STOP:when=1', HELPER_BINARY, 'store'],
      { input: loginJSON('c.example', 'u', 'pw'), env, extendEnv: false, reject: false },
    );
    let name: string | undefined;
    let pid = 0;
    for (let i = 0; i < 600 && name === undefined; i++) {
      name = readdirSync(pgpTmp)[0];
      pid = Number(/\.(\d+)\.\d+\.[0-9a-f]+\.tmp$/.exec(name ?? '')?.[1]); // PREFIX.PID.PIDNAMESPACE.RANDOM.tmp
      const state = pid ? readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] : '';
      if (state !== 't' && state !== 'T') name = undefined;
      if (name === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const mode = name === undefined ? undefined : (statSync(join(pgpTmp, name)).mode & 0o777).toString(8);
    if (pid) process.kill(pid, 'SIGCONT');
    else child.kill('SIGKILL');
    const result = await child;
    expect(name, 'the helper never stopped with its temporary file written').toBeDefined();
    expect(mode).toBe('600');
    expect(result.exitCode, result.stdout).toBe(0);
  });
});

describe('a private key that others can read is refused, as ssh does (built file)', () => {
  let home: TemporaryHome;
  let keyFile: string;
  beforeAll(async () => {
    home = temporaryHome('tsstore-keymode-');
    expect((await runHelper(['store'], { env: home.env, input: loginJSON('k.example', 'u', 'pw-k') })).exitCode).toBe(0);
    keyFile = join(home.env.TSSTORE_HOME as string, 'pgp', 'private-key.asc');
  });
  afterAll(() => home.cleanup());

  it.each([0o640, 0o604, 0o644, 0o660, 0o666, 0o700 | 0o044])('mode %o: get and store fail with one line that says what to do, and nothing is written', async (mode) => {
    chmodSync(keyFile, mode);
    try {
      const before = snapshotTree(home.home);
      for (const [args, input] of [[['get'], 'k.example'], [['store'], loginJSON('k.example', 'u2', 'pw-k2')], [['store'], loginJSON('new.example', 'u', 'pw-n')]] as const) {
        const result = await runHelper(args, { env: home.env, input });
        expect(result.exitCode, JSON.stringify(result)).toBe(1);
        expect(result.stderr).toBe('');
        expect(result.stdout).toBe(`the store key ${keyFile} can be read by others (mode ${mode.toString(8)}); run chmod 600 ${keyFile}\n`);
      }
      expect(snapshotTree(home.home)).toEqual(before);
    } finally {
      chmodSync(keyFile, 0o600);
    }
  });

  it('through a symbolic link, the mode of the file it points at counts', async () => {
    const real = join(home.home, 'key-elsewhere.asc');
    renameSync(keyFile, real);
    symlinkSync(real, keyFile);
    try {
      chmodSync(real, 0o644);
      const refused = await runHelper(['get'], { env: home.env, input: 'k.example' });
      expect(refused.exitCode).toBe(1);
      expect(refused.stdout).toMatch(/can be read by others \(mode 644\); run chmod 600 /);
      chmodSync(real, 0o600);
      expect((await runHelper(['get'], { env: home.env, input: 'k.example' })).exitCode).toBe(0);
    } finally {
      rmSync(keyFile);
      renameSync(real, keyFile);
    }
  });

  it.each([0o600, 0o400])('mode %o is accepted', async (mode) => {
    chmodSync(keyFile, mode);
    try {
      expect(await runHelper(['get'], { env: home.env, input: 'k.example' })).toEqual({
        stdout: `${loginJSON('k.example', 'u', 'pw-k')}\n`,
        stderr: '',
        exitCode: 0,
      });
      expect(await runHelper(['get'], { env: home.env, input: 'nothing.example' })).toEqual({ stdout: NOT_FOUND, stderr: '', exitCode: 1 });
    } finally {
      chmodSync(keyFile, 0o600);
    }
  });
});
