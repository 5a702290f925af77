/**
 * Moving logins into tsstore on the built file, tried the way a careless user or a hostile file would:
 * a current login is never replaced by a stale copy, a config.json with a key given twice is never
 * rewritten, a helper's broken answer is never quoted (it holds the secret), and keys `store` refuses are
 * refused by migrate and doctor too.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, temporaryHome } from '../support/helper-binary.js';
import { findOnPath, haveAll } from '../support/real-components.js';

interface Machine {
  home: TemporaryHome;
  env: Record<string, string>;
  bin: string;
  configFile: string;
  tsstore(args: readonly string[], input?: string): Promise<HelperResult>;
  store(serverURL: string, username: string, secret: string): Promise<void>;
  get(serverURL: string): Promise<{ Username: string; Secret: string } | string>;
}

const machines: Machine[] = [];

function machine(programs: string[] = []): Machine {
  const home = temporaryHome('tsstore-e2e-migrate-');
  const bin = join(home.home, 'bin');
  mkdirSync(bin, { mode: 0o700 });
  for (const program of programs) symlinkSync(findOnPath(program) as string, join(bin, program));
  symlinkSync(HELPER_BINARY, join(bin, 'docker-credential-tsstore'));
  const env: Record<string, string> = { ...home.env, PATH: `${bin}:/usr/bin:/bin`, TSSTORE_BACKEND: 'pgp' };
  mkdirSync(env.DOCKER_CONFIG as string, { recursive: true, mode: 0o700 });
  const tsstore = async (args: readonly string[], input = ''): Promise<HelperResult> => {
    const result = await execa(HELPER_BINARY, args, { input, env, extendEnv: false, reject: false, cwd: home.home, timeout: 60_000 });
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
  };
  const m: Machine = {
    home,
    env,
    bin,
    configFile: join(env.DOCKER_CONFIG as string, 'config.json'),
    tsstore,
    async store(serverURL, username, secret) {
      const stored = await tsstore(['store'], JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret }));
      expect(stored.exitCode, stored.stdout).toBe(0);
    },
    async get(serverURL) {
      const got = await tsstore(['get'], serverURL);
      return got.exitCode === 0 ? (JSON.parse(got.stdout) as { Username: string; Secret: string }) : got.stdout.trim();
    },
  };
  machines.push(m);
  return m;
}

afterEach(() => {
  for (const m of machines.splice(0)) m.home.cleanup();
});

const auth = (username: string, secret: string) => ({ auth: Buffer.from(`${username}:${secret}`).toString('base64') });
const authFile = (entries: Record<string, unknown>) => `${JSON.stringify({ auths: entries }, null, '\t')}\n`;
const everything = (result: HelperResult) => `${result.stdout}\n${result.stderr}`;

describe.skipIf(!haveAll(['podman']))('doctor --fix containers with several auth files', () => {
  it('keeps the login tsstore holds, leaves differing copies in place, and says how to pick one', async () => {
    const m = machine(['podman']);
    const runtime = join(m.home.home, 'run');
    m.env.XDG_RUNTIME_DIR = runtime;
    const registry = 'registry.example.test:5000';
    await m.store(registry, 'alice', 'CURRENT-secret');
    // podman reads the runtime file first, then ~/.config/containers/auth.json.
    const runtimeAuth = join(runtime, 'containers', 'auth.json');
    const configAuth = join(m.home.home, '.config', 'containers', 'auth.json');
    mkdirSync(join(runtime, 'containers'), { recursive: true, mode: 0o700 });
    mkdirSync(join(m.home.home, '.config', 'containers'), { recursive: true, mode: 0o700 });
    const runtimeText = authFile({ [registry]: auth('alice', 'PODMAN-secret'), 'other.example.test': auth('carol', 'CAROL-secret') });
    const configText = authFile({ [registry]: auth('bob', 'STALE-secret'), 'other.example.test': auth('dave', 'DAVE-secret') });
    writeFileSync(runtimeAuth, runtimeText, { mode: 0o600 });
    writeFileSync(configAuth, configText, { mode: 0o600 });

    const looked = await m.tsstore(['doctor', 'containers']);
    expect(looked.exitCode).toBe(1);
    expect(looked.stdout).toContain(`${registry}: tsstore already holds another login for it (user alice) than ${runtimeAuth} (user alice)`);
    expect(readFileSync(runtimeAuth, 'utf8')).toBe(runtimeText);

    const fixed = await m.tsstore(['doctor', '--fix', 'containers']);
    for (const secret of ['CURRENT-secret', 'PODMAN-secret', 'STALE-secret', 'CAROL-secret', 'DAVE-secret']) expect(everything(fixed)).not.toContain(secret);
    // The current login is still the one tsstore answers; neither copy replaced it.
    expect(await m.get(registry)).toMatchObject({ Username: 'alice', Secret: 'CURRENT-secret' });
    // A registry tsstore did not hold: the first file podman reads wins, the later different copy is a conflict.
    expect(await m.get('other.example.test')).toMatchObject({ Username: 'carol', Secret: 'CAROL-secret' });
    const runtimeAfter = JSON.parse(readFileSync(runtimeAuth, 'utf8')) as { auths: Record<string, Record<string, string>> };
    const configAfter = JSON.parse(readFileSync(configAuth, 'utf8')) as { auths: Record<string, Record<string, string>> };
    expect(runtimeAfter.auths[registry]).toEqual(auth('alice', 'PODMAN-secret'));
    expect(runtimeAfter.auths['other.example.test']).toEqual({});
    expect(configAfter.auths[registry]).toEqual(auth('bob', 'STALE-secret'));
    expect(configAfter.auths['other.example.test']).toEqual(auth('dave', 'DAVE-secret'));
    expect(fixed.stdout).toContain(`(user alice) than ${configAuth} (user bob)`);
    const overwrite = `docker-credential-tsstore migrate --from ${runtimeAuth} --overwrite ${registry}`;
    expect(fixed.stdout).toContain(overwrite);

    // The person picks podman's login: the printed command does exactly that, and removes that copy.
    const picked = await m.tsstore(overwrite.split(' ').slice(1));
    expect(picked.stdout).toContain(`moved ${registry} from ${runtimeAuth}`);
    expect(await m.get(registry)).toMatchObject({ Username: 'alice', Secret: 'PODMAN-secret' });
    expect((JSON.parse(readFileSync(runtimeAuth, 'utf8')) as { auths: Record<string, unknown> }).auths[registry]).toEqual({});
    // And keeps tsstore's over the stale one: --discard removes that plain-text copy only.
    const discarded = await m.tsstore(['migrate', '--from', configAuth, '--discard', registry, 'other.example.test']);
    expect(discarded.exitCode, discarded.stdout).toBe(0);
    expect(await m.get(registry)).toMatchObject({ Username: 'alice', Secret: 'PODMAN-secret' });
    expect(readFileSync(configAuth, 'utf8')).not.toContain('STALE');
    expect(readFileSync(configAuth, 'utf8')).not.toContain(Buffer.from('dave:DAVE-secret').toString('base64'));
  });
});

describe('migrate --from an auth file', () => {
  it('refuses while podman, skopeo and buildah do not use tsstore: they would lose the logins', async () => {
    const m = machine();
    const file = join(m.home.home, 'auth.json');
    const text = authFile({ 'reg.example.test': auth('alice', 'ALICE-secret') });
    writeFileSync(file, text, { mode: 0o600 });
    const refused = await m.tsstore(['migrate', '--from', file]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('doctor --fix containers first');
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(await m.get('reg.example.test')).toBe('credentials not found in native keychain');
    // Naming both ways to settle one registry is a usage error, not a silent pick.
    const both = await m.tsstore(['migrate', '--from', 'config', '--overwrite', 'reg.example.test', '--discard', 'reg.example.test']);
    expect(both.exitCode).toBe(1);
    expect(both.stderr).toContain('pick one');
  });
});

describe('moving plain-text logins from config.json', () => {
  it('never replaces a login tsstore holds, even when credsStore is already tsstore', async () => {
    const m = machine();
    await m.store('reg.example.test', 'alice', 'CURRENT-secret');
    const text = `${JSON.stringify({ auths: { 'reg.example.test': auth('bob', 'STALE-secret'), 'new.example.test': auth('erin', 'ERIN-secret') }, credsStore: 'tsstore' }, null, '\t')}`;
    writeFileSync(m.configFile, text, { mode: 0o600 });
    for (const args of [['doctor', '--fix', 'plaintext-credentials'], ['migrate', '--from', 'config']]) {
      const result = await m.tsstore(args);
      expect(everything(result)).not.toContain('STALE-secret');
      expect(await m.get('reg.example.test')).toMatchObject({ Username: 'alice', Secret: 'CURRENT-secret' });
      expect(result.stdout).toContain('reg.example.test: tsstore already holds another login for it (user alice) than config.json (user bob)');
    }
    expect(await m.get('new.example.test')).toMatchObject({ Username: 'erin', Secret: 'ERIN-secret' });
    const config = JSON.parse(readFileSync(m.configFile, 'utf8')) as { auths: Record<string, unknown> };
    expect(config.auths['reg.example.test']).toEqual(auth('bob', 'STALE-secret'));
    expect(config.auths['new.example.test']).toEqual({});
    // --overwrite takes the plain-text copy instead.
    const picked = await m.tsstore(['migrate', '--from', 'config', '--overwrite', 'reg.example.test']);
    expect(picked.exitCode, picked.stdout).toBe(0);
    expect(await m.get('reg.example.test')).toMatchObject({ Username: 'bob', Secret: 'STALE-secret' });
    expect((JSON.parse(readFileSync(m.configFile, 'utf8')) as { auths: Record<string, unknown> }).auths['reg.example.test']).toEqual({});
  });

  it('the same login in both places is no conflict: its plain-text copy goes, with no flag', async () => {
    const m = machine();
    await m.store('reg.example.test', 'alice', 'SAME-secret');
    const text = `${JSON.stringify({ auths: { 'reg.example.test': auth('alice', 'SAME-secret') }, credsStore: 'tsstore' }, null, '\t')}`;
    writeFileSync(m.configFile, text, { mode: 0o600 });
    const same = await m.tsstore(['migrate', '--from', 'config']);
    expect(same.exitCode, same.stdout).toBe(0);
    expect(everything(same)).not.toContain('already holds another login');
    expect(everything(same)).not.toContain('SAME-secret');
    expect(await m.get('reg.example.test')).toMatchObject({ Username: 'alice', Secret: 'SAME-secret' });
    expect((JSON.parse(readFileSync(m.configFile, 'utf8')) as { auths: Record<string, unknown> }).auths['reg.example.test']).toEqual({});
  });

  it('--discard of a registry tsstore does not hold is refused: that copy is the only login, so it is moved, not dropped', async () => {
    const m = machine();
    const text = `${JSON.stringify({ auths: { 'only-here.example.test': auth('frank', 'FRANK-secret') }, credsStore: 'tsstore' }, null, '\t')}`;
    writeFileSync(m.configFile, text, { mode: 0o600 });
    const refused = await m.tsstore(['migrate', '--from', 'config', '--discard', 'only-here.example.test']);
    expect(everything(refused)).toContain('--discard only-here.example.test: not discarded, tsstore holds no login for it (it would be lost)');
    expect(everything(refused)).not.toContain('FRANK-secret');
    expect(everything(refused)).not.toContain('removed the copy of only-here.example.test');
    expect(await m.get('only-here.example.test')).toMatchObject({ Username: 'frank', Secret: 'FRANK-secret' });
  });

  it('refuses to rewrite a config.json that gives a key twice, and changes nothing', async () => {
    const m = machine();
    // docker merges both "auths" objects; JSON.parse would keep only the second, losing alice.
    const text = [
      '{',
      '\t"auths": {',
      `\t\t"alice.example.test": ${JSON.stringify(auth('alice', 'ALICE-secret'))}`,
      '\t},',
      '\t"auths": {',
      `\t\t"bob.example.test": ${JSON.stringify(auth('bob', 'BOB-secret'))}`,
      '\t}',
      '}',
    ].join('\n');
    writeFileSync(m.configFile, text, { mode: 0o600 });
    const doctor = await m.tsstore(['doctor', '--fix']);
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toContain('"auths" at line 2, column 2 and line 5, column 2');
    const migrate = await m.tsstore(['migrate', '--from', 'config']);
    expect(migrate.exitCode).toBe(1);
    expect(migrate.stderr).toContain('has keys given twice');
    const init = await m.tsstore(['init', '--backend', 'pgp']);
    expect(init.exitCode).toBe(1);
    expect(readFileSync(m.configFile, 'utf8')).toBe(text);
    expect(await m.get('alice.example.test')).toBe('credentials not found in native keychain');
    expect(await m.get('bob.example.test')).toBe('credentials not found in native keychain');
  });

  it('refuses keys store would refuse, and leaves them in the file', async () => {
    const m = machine();
    const entries = {
      '': auth('empty', 'EMPTY-secret'),
      'trailing.example.test ': auth('trail', 'TRAIL-secret'),
      'ctl\u001b]0;x\u0007.example.test': auth('ctl', 'CTL-secret'),
      'user.example.test': auth('bad\u001bname', 'USER-secret'),
      'good.example.test': auth('good', 'GOOD-secret'),
    };
    writeFileSync(m.configFile, JSON.stringify({ auths: entries }, null, '\t'), { mode: 0o600 });
    const fixed = await m.tsstore(['doctor', '--fix', 'plaintext-credentials']);
    expect(fixed.stdout).toContain('could not move "" from config.json: tsstore does not store it: no credentials server URL');
    expect(fixed.stdout).toContain('could not move "trailing.example.test " from config.json: tsstore does not store it: server URL has white space at the start or end');
    expect(fixed.stdout).toContain('username contains a control character');
    const config = JSON.parse(readFileSync(m.configFile, 'utf8')) as { auths: Record<string, unknown> };
    for (const key of ['', 'trailing.example.test ', 'ctl\u001b]0;x\u0007.example.test', 'user.example.test']) {
      expect(config.auths[key]).toEqual(entries[key as keyof typeof entries]);
    }
    expect(config.auths['good.example.test']).toEqual({});
    const listed = await m.tsstore(['list']);
    expect(JSON.parse(listed.stdout)).toEqual({ 'good.example.test': 'good' });
    // Nothing hidden was written next to the real credential.
    expect(readdirSync(join(m.env.TSSTORE_HOME as string, 'pgp', 'credentials'))).toEqual(['good%2Eexample%2Etest.asc']);
  });
});

describe('another helper that answers something that is not JSON', () => {
  it('is reported without repeating what it printed', async () => {
    const m = machine();
    const helper = join(m.bin, 'docker-credential-broken');
    writeFileSync(
      helper,
      [
        '#!/bin/sh',
        'case "$1" in',
        '  list) echo \'{"reg.example.test":"alice"}\' ;;',
        '  get) printf \'{"ServerURL":"reg.example.test","Username":"alice","Secret":Hunter2-not-quoted}\' ;;',
        '  *) exit 1 ;;',
        'esac',
      ].join('\n'),
    );
    chmodSync(helper, 0o755);
    const migrated = await m.tsstore(['migrate', '--from', 'broken']);
    expect(migrated.exitCode).toBe(1);
    expect(migrated.stdout).toContain('docker-credential-broken answered something that is not JSON');
    expect(everything(migrated)).not.toContain('Hunter2');
    writeFileSync(m.configFile, JSON.stringify({ auths: { 'reg.example.test': {} }, credsStore: 'broken' }), { mode: 0o600 });
    const doctor = await m.tsstore(['doctor', '--fix', 'creds-store']);
    expect(doctor.stdout).toContain('docker-credential-broken answered something that is not JSON');
    expect(everything(doctor)).not.toContain('Hunter2');
    expect(existsSync(m.configFile)).toBe(true);
  });
});
