/**
 * doctor's duplicate-logins on the built file, in a temporary HOME with a real pgp store (and a real
 * gnome-keyring for the keyring backend): three spellings of one registry with one login, one spelling
 * with another login, Docker Desktop's token entries, `auths` entries with no login anywhere, a hostile
 * key, and --json. No registry is needed: which key docker reads is judged, not asked of a registry.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { haveAll } from '../support/real-components.js';
import { SECRET_SERVICE_PROGRAMS, type SecretServiceSession, startSecretService } from '../support/secret-service.js';
import type { DoctorReport as Report } from '../support/doctor-e2e.js';

const SECRET = `s3cret-${process.pid}`;
const OTHER_SECRET = `other-${process.pid}`;
const TOKEN = `desktop-jwt-${process.pid}`;

type Run = (args: readonly string[], input?: string) => Promise<HelperResult>;

/** A HOME with tsstore set up (pgp unless the runner says otherwise) and docker pointed at it. */
function machine(prefix: string): { home: TemporaryHome; configPath: string; writeConfig: (config: unknown) => void } {
  const home = temporaryHome(prefix);
  const dir = home.env.DOCKER_CONFIG as string;
  mkdirSync(dir, { mode: 0o700 });
  const configPath = join(dir, 'config.json');
  return { home, configPath, writeConfig: (config) => writeFileSync(configPath, JSON.stringify(config, null, '\t'), { mode: 0o600 }) };
}

async function must(run: Run, args: readonly string[], input = ''): Promise<HelperResult> {
  const result = await run(args, input);
  if (result.exitCode !== 0) throw new Error(`${args.join(' ')} failed (${result.exitCode}): ${result.stdout}${result.stderr}`);
  return result;
}

async function store(run: Run, logins: Array<[string, string, string]>): Promise<void> {
  for (const [ServerURL, Username, Secret] of logins) await must(run, ['store'], JSON.stringify({ ServerURL, Username, Secret }));
}

async function listed(run: Run): Promise<Record<string, string>> {
  return JSON.parse((await must(run, ['list'], 'unused')).stdout) as Record<string, string>;
}

function noSecretIn(result: HelperResult): void {
  for (const secret of [SECRET, OTHER_SECRET, TOKEN]) expect(result.stdout + result.stderr).not.toContain(secret);
}

/** The scenarios every backend must pass: three spellings with one login go down to the one docker reads. */
async function threeSpellings(run: Run, configPath: string, writeConfig: (config: unknown) => void): Promise<void> {
  writeConfig({ auths: { 'reg.example:5000': {} }, credsStore: 'tsstore' });
  const spellings = ['reg.example:5000', 'http://reg.example:5000', 'https://reg.example:5000/'];
  await store(run, spellings.map((key) => [key, 'alice', SECRET]));
  const configBefore = readFileSync(configPath, 'utf8');

  const look = await run(['doctor', 'duplicate-logins']);
  noSecretIn(look);
  expect(look.exitCode, look.stdout + look.stderr).toBe(1);
  expect(look.stdout).toContain('reg.example:5000: tsstore holds 3 spellings of this registry: reg.example:5000, http://reg.example:5000, https://reg.example:5000/');
  expect(look.stdout).toContain('    http://reg.example:5000: the same login as reg.example:5000, and docker never reads it: --fix erases it');
  expect(Object.keys(await listed(run)).sort()).toEqual([...spellings].sort());

  const fix = await run(['doctor', '--fix', 'duplicate-logins']);
  noSecretIn(fix);
  expect(fix.exitCode, fix.stdout + fix.stderr).toBe(0);
  expect(fix.stdout).toContain('erased https://reg.example:5000/ from tsstore: the same login as reg.example:5000, which still answers for it');
  expect(await listed(run)).toEqual({ 'reg.example:5000': 'alice' });
  // Every alias a client may send still answers the same login.
  for (const alias of [...spellings, 'https://reg.example:5000', 'reg.example:5000/', 'http://reg.example:5000/', 'REG.example:5000']) {
    const got = await must(run, ['get'], alias);
    expect(JSON.parse(got.stdout), alias).toEqual({ ServerURL: alias, Username: 'alice', Secret: SECRET });
  }
  // Nothing in config.json had to change for that.
  expect(readFileSync(configPath, 'utf8')).toBe(configBefore);
  const again = await run(['doctor', 'duplicate-logins']);
  expect(again.exitCode, again.stdout).toBe(0);
}

describe('doctor duplicate-logins on the built file (pgp)', () => {
  let m: ReturnType<typeof machine>;
  let run: Run;
  beforeAll(async () => {
    m = machine('tsstore-e2e-dup-');
    run = (args, input = '') => runHelper(args, { env: m.home.env, input, cwd: m.home.home });
    await must(run, ['init', '--backend', 'pgp', '--no-docker-config']);
  });
  afterAll(() => m?.home.cleanup());

  it('three spellings with one login: --fix leaves exactly the key docker reads, and every alias still answers', async () => {
    await threeSpellings(run, m.configPath, m.writeConfig);
  });

  it('a spelling with another login: nothing erased, both usernames and the commands to pick, exit 1', async () => {
    m.writeConfig({ auths: { 'two.example:5000': {} }, credsStore: 'tsstore' });
    await store(run, [
      ['two.example:5000', 'alice', SECRET],
      ['https://two.example:5000/', 'bob', OTHER_SECRET],
    ]);
    const fix = await run(['doctor', '--fix', 'duplicate-logins']);
    noSecretIn(fix);
    expect(fix.exitCode, fix.stdout + fix.stderr).toBe(1);
    expect(fix.stdout).toContain('    https://two.example:5000/: another login (user bob) than the one docker uses (user alice, from two.example:5000); both kept');
    expect(fix.stdout).toContain("      to keep alice's, run: printf %s https://two.example:5000/ | docker-credential-tsstore erase");
    expect(fix.stdout).toContain("      to use bob's instead, run: docker login -u bob two.example:5000 && printf %s https://two.example:5000/ | docker-credential-tsstore erase");
    expect(fix.stdout).toContain('    docker logout two.example:5000 would leave https://two.example:5000/ behind');
    expect(fix.stdout).toContain('1 problem left.');
    const keys = await listed(run);
    expect(keys['two.example:5000']).toBe('alice');
    expect(keys['https://two.example:5000/']).toBe('bob');

    // The printed command, pasted into a shell, erases exactly that key (and the other login stays).
    const erased = await runHelper(['erase'], { env: m.home.env, input: 'https://two.example:5000/' });
    expect(erased.exitCode).toBe(0);
    expect((await run(['doctor', 'duplicate-logins'])).exitCode).toBe(0);
  });

  it("Docker Desktop's token entries are erased from tsstore; the CLI's own and the Hub login stay", async () => {
    m.writeConfig({ auths: { 'https://index.docker.io/v1/': {}, 'https://index.docker.io/v1//access-token': {} }, credsStore: 'tsstore' });
    await store(run, [
      ['https://index.docker.io/v1/', 'hubuser', SECRET],
      ['https://index.docker.io/v1//access-token', 'hubuser', TOKEN],
      ['https://index.docker.io/v1//refresh-token', 'hubuser', TOKEN],
      ['https://index.docker.io/v1/access-token', 'hubuser', TOKEN],
    ]);
    const look = await run(['doctor', '--json', 'duplicate-logins']);
    noSecretIn(look);
    expect(look.exitCode).toBe(1);
    const details = (JSON.parse(look.stdout) as Report).checks[0]?.details ?? [];
    expect(details).toContain(
      'https://index.docker.io/v1//access-token: a token entry Docker Desktop left in tsstore; the docker CLI never reads it (its own web login uses .../v1/access-token and .../v1/refresh-token): --fix erases it',
    );
    expect(details).toContain('https://index.docker.io/v1//access-token: ' + `${m.configPath} names this Docker Desktop token entry with no login; --fix removes the empty entry`);

    const fix = await run(['doctor', '--fix', 'duplicate-logins']);
    noSecretIn(fix);
    expect(fix.exitCode, fix.stdout).toBe(0);
    const keys = Object.keys(await listed(run));
    expect(keys).toEqual(expect.arrayContaining(['https://index.docker.io/v1/', 'https://index.docker.io/v1/access-token']));
    expect(keys.filter((key) => key.includes('//access-token') || key.includes('//refresh-token'))).toEqual([]);
    expect(JSON.parse(readFileSync(m.configPath, 'utf8'))).toEqual({ auths: { 'https://index.docker.io/v1/': {} }, credsStore: 'tsstore' });
  });

  it('auths entries with no login anywhere are removed with a backup; a hostile key prints escaped; --json keeps the shape', async () => {
    const hostile = 'evil\u001b]0;pwned\u0007.example';
    const config = {
      auths: { 'gone.example': {}, 'mail.example': { email: 'a@example.com' }, [hostile]: {}, 'reg.example:5000': {}, 'notes.example': { note: 'mine' } },
      credsStore: 'tsstore',
      'x-keep': { nested: [1, 2] },
    };
    m.writeConfig(config);
    const text = await run(['doctor', 'duplicate-logins']);
    expect(text.exitCode).toBe(1);
    // Control characters never reach the terminal raw: written as escapes, in the line and in the command.
    expect(text.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(text.stdout).toContain('evil\\x1b]0;pwned\\x07.example: ');
    expect(text.stdout).toContain(`(or log in again: docker login "$(printf 'evil\\033]0;pwned\\007.example')")`);
    expect(text.stdout).toContain(`gone.example: ${m.configPath} names it in "auths" with no secret, and no login for it is in tsstore: docker sends no credentials there; --fix removes the empty entry (or log in again: docker login gone.example)`);

    const json = await run(['doctor', '--json', 'duplicate-logins']);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.ok).toBe(false);
    expect(report.checks.map((check) => Object.keys(check))).toEqual([['id', 'title', 'status', 'details']]);
    expect(report.checks[0]).toMatchObject({ id: 'duplicate-logins', title: 'Each registry is stored once, under the key docker reads', status: 'problem' });
    // JSON keeps the key's exact text (JSON-escaped).
    expect(report.checks[0]?.details.some((line) => line.startsWith(`${hostile}: `))).toBe(true);

    const backups = join(m.home.env.TSSTORE_HOME as string, 'backups');
    const backupsBefore = existsSync(backups) ? readdirSync(backups).length : 0;
    const fix = await run(['doctor', '--fix', 'duplicate-logins']);
    expect(fix.exitCode, fix.stdout).toBe(0);
    expect(fix.stdout).toContain(`removed 3 entries with no login from "auths" in ${m.configPath}: gone.example, mail.example, evil\\x1b]0;pwned\\x07.example`);
    const after = readFileSync(m.configPath, 'utf8');
    expect(JSON.parse(after)).toEqual({ auths: { 'reg.example:5000': {}, 'notes.example': { note: 'mine' } }, credsStore: 'tsstore', 'x-keep': { nested: [1, 2] } });
    expect(after).toContain('\n\t"auths": {');
    expect(readdirSync(backups).length).toBe(backupsBefore + 1);
  });

  it('config.json with a key given twice is never rewritten, and tsstore is left as it is', async () => {
    await store(run, [
      ['dup.example', 'alice', SECRET],
      ['https://dup.example', 'alice', SECRET],
    ]);
    const text = '{\n\t"auths": {"gone.example": {}},\n\t"auths": {"gone.example": {}},\n\t"credsStore": "tsstore"\n}\n';
    writeFileSync(m.configPath, text, { mode: 0o600 });
    const fix = await run(['doctor', '--fix', 'duplicate-logins']);
    expect(fix.exitCode).toBe(1);
    expect(fix.stdout).toContain('not fixed: config.json must be fixed by hand first (see config-json)');
    expect(readFileSync(m.configPath, 'utf8')).toBe(text);
    expect(Object.keys(await listed(run))).toEqual(expect.arrayContaining(['dup.example', 'https://dup.example']));
  });
});

describe.skipIf(!haveAll([...SECRET_SERVICE_PROGRAMS]))('doctor duplicate-logins with the keyring backend', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService();
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('three spellings with one login: --fix leaves exactly the key docker reads, and every alias still answers', async () => {
    const m = machine('tsstore-e2e-dup-keyring-');
    try {
      const env = { TSSTORE_HOME: m.home.env.TSSTORE_HOME as string, DOCKER_CONFIG: m.home.env.DOCKER_CONFIG as string, TSSTORE_BACKEND: 'keyring' };
      const run: Run = (args, input = '') => session.run(args, input, env);
      await threeSpellings(run, m.configPath, m.writeConfig);
      // The items themselves, seen over D-Bus without tsstore: one left.
      const items = (await session.searchItems({ service: 'tsstore' })).filter((item) => String(item.attributes.username ?? '').includes('reg.example:5000'));
      expect(items.map((item) => item.attributes.username)).toEqual(['reg.example:5000']);
    } finally {
      m.home.cleanup();
    }
  });
});
