/**
 * doctor on the built file with the real docker CLI, the real registry and a real pass + GnuPG store:
 * plain text moved into tsstore, a missing Docker Desktop helper replaced, a pass user migrated, and a
 * broken config.json left alone byte for byte.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, temporaryHome } from '../support/helper-binary.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { type ReferencePass, createReferencePass } from '../support/reference-pass.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { snapshotTree } from '../support/tree-snapshot.js';

const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
let registry: StartedRegistry;

interface Machine {
  home: TemporaryHome;
  env: Record<string, string>;
  bin: string;
  configFile: string;
  run(program: string, args: readonly string[], input?: string): Promise<HelperResult>;
  doctor(...args: string[]): Promise<HelperResult>;
  addTsstoreToPath(): void;
  /** Every file under HOME whose bytes contain `text` (as is, or base64 of user:password). */
  filesContaining(text: string): string[];
}

/** A HOME whose PATH has docker (and the helpers the test adds), never anything else. */
function machine(extraPath: string[] = []): Machine {
  const home = temporaryHome('tsstore-e2e-doctor-');
  const bin = join(home.home, 'bin');
  mkdirSync(bin, { mode: 0o700 });
  symlinkSync(findOnPath('docker') as string, join(bin, 'docker'));
  const env: Record<string, string> = { ...home.env, PATH: [bin, ...extraPath].join(':'), TSSTORE_BACKEND: 'pgp' };
  const configDir = env.DOCKER_CONFIG as string;
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const run = async (program: string, args: readonly string[], input = ''): Promise<HelperResult> => {
    const result = await execa(program, args, { input, env, extendEnv: false, reject: false, cwd: home.home, timeout: 90_000 });
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
  };
  return {
    home,
    env,
    bin,
    configFile: join(configDir, 'config.json'),
    run,
    doctor: (...args) => run(HELPER_BINARY, ['doctor', ...args]),
    addTsstoreToPath: () => symlinkSync(HELPER_BINARY, join(bin, 'docker-credential-tsstore')),
    filesContaining(text) {
      const needles = [text, Buffer.from(text).toString('base64')];
      return Object.entries(snapshotTree(home.home))
        .filter(([path]) => !path.endsWith('/') && !path.startsWith('bin/'))
        .filter(([, value]) => {
          const bytes = Buffer.from(value.split(' ')[1] ?? '', 'base64').toString('latin1');
          return needles.some((needle) => bytes.includes(needle));
        })
        .map(([path]) => path);
    },
  };
}

const login = (m: Machine, user: RegistryUser) => m.run('docker', ['login', '-u', user.username, '--password-stdin', registry.host], user.password);

describe.skipIf(!haveAll(['docker', 'docker-registry', 'htpasswd', 'gpg', 'pass', 'docker-credential-pass']))('doctor against real docker', () => {
  beforeAll(async () => {
    registry = await startRegistry({ users: [alice] });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('moves plain-text logins into tsstore; docker keeps working and no secret is left on disk', async () => {
    const m = machine();
    try {
      // Docker with no helper at all stores the password in config.json, base64-encoded.
      writeFileSync(m.configFile, '{}');
      const first = await login(m, alice);
      expect(first.exitCode, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/unencrypted/);
      expect(m.filesContaining(`alice:${alice.password}`)).toEqual(['.docker/config.json']);

      const before = readFileSync(m.configFile, 'utf8');
      const look = await m.doctor('--json');
      expect(look.exitCode).toBe(1);
      const report = JSON.parse(look.stdout) as { ok: boolean; checks: Array<{ id: string; status: string; details: string[] }> };
      expect(report.checks.find((check) => check.id === 'plaintext-credentials')?.status).toBe('problem');
      expect(report.checks.find((check) => check.id === 'creds-store')?.status).toBe('problem');
      expect(look.stdout).not.toContain(alice.password);
      expect(readFileSync(m.configFile, 'utf8')).toBe(before); // without --fix nothing is written

      // Without tsstore on PATH docker could not use it: the fix refuses and changes nothing.
      const refused = await m.doctor('--fix', 'creds-store');
      expect(refused.exitCode).toBe(1);
      expect(refused.stdout).toContain('docker-credential-tsstore is not on PATH');
      expect(readFileSync(m.configFile, 'utf8')).toBe(before);

      m.addTsstoreToPath();
      const fixed = await m.doctor('--fix');
      expect(fixed.stdout + fixed.stderr).not.toContain(alice.password);
      expect(JSON.parse(readFileSync(m.configFile, 'utf8'))).toEqual({ auths: { [registry.host]: {} }, credsStore: 'tsstore' });
      expect(m.filesContaining(alice.password)).toEqual([]);
      expect(m.filesContaining(`alice:${alice.password}`)).toEqual([]);
      const got = await m.run('docker-credential-tsstore', ['get'], registry.host);
      expect(JSON.parse(got.stdout)).toEqual({ ServerURL: registry.host, Username: 'alice', Secret: alice.password });

      // docker itself now goes through tsstore, and stores nothing in plain text.
      const again = await login(m, alice);
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stderr).not.toMatch(/unencrypted/);
      const after = await m.doctor('--json');
      const afterReport = JSON.parse(after.stdout) as { checks: Array<{ id: string; status: string }> };
      for (const id of ['config-json', 'docker-context', 'file-permissions', 'creds-store', 'plaintext-credentials', 'cred-helpers', 'backend']) {
        expect(afterReport.checks.find((check) => check.id === id)?.status, id).toBe('ok');
      }
    } finally {
      m.home.cleanup();
    }
  });

  it('replaces a credsStore whose helper is not installed (Docker Desktop) and says which logins to redo', async () => {
    const m = machine();
    try {
      m.addTsstoreToPath();
      writeFileSync(m.configFile, JSON.stringify({ auths: { [registry.host]: {} }, credsStore: 'desktop', detachKeys: 'ctrl-e,e' }, null, '\t'));
      const broken = await login(m, alice);
      expect(broken.exitCode).not.toBe(0);
      expect(broken.stderr).toMatch(/docker-credential-desktop/);

      const fixed = await m.doctor('--fix', 'creds-store');
      expect(fixed.exitCode).toBe(0);
      expect(fixed.stdout).toContain(`log in again to ${registry.host} (its secret was in docker-credential-desktop, which is not installed): docker login ${registry.host}`);
      expect(JSON.parse(readFileSync(m.configFile, 'utf8'))).toEqual({ auths: { [registry.host]: {} }, credsStore: 'tsstore', detachKeys: 'ctrl-e,e' });
      const works = await login(m, alice);
      expect(works.exitCode, works.stderr).toBe(0);
      expect((await m.run('docker-credential-tsstore', ['list'], 'unused')).stdout).toBe(`{"${registry.host}":"alice"}`);
    } finally {
      m.home.cleanup();
    }
  });

  it('removes a leftover Docker Desktop context that makes every docker command fail, and docker login works again', async () => {
    const m = machine();
    try {
      m.addTsstoreToPath();
      writeFileSync(m.configFile, JSON.stringify({ auths: {}, credsStore: 'tsstore', currentContext: 'desktop-linux', detachKeys: 'ctrl-e,e' }, null, '\t'));
      const broken = await login(m, alice);
      expect(broken.exitCode).not.toBe(0);
      expect(broken.stderr).toMatch(/context "desktop-linux": context not found/);

      const found = await m.doctor('docker-context');
      expect(found.exitCode).toBe(1);
      expect(found.stdout).toContain('names the docker context "desktop-linux", which does not exist');
      const fixed = await m.doctor('--fix', 'docker-context');
      expect(fixed.exitCode, fixed.stdout).toBe(0);
      expect(JSON.parse(readFileSync(m.configFile, 'utf8'))).toEqual({ auths: {}, credsStore: 'tsstore', detachKeys: 'ctrl-e,e' });
      const works = await login(m, alice);
      expect(works.exitCode, works.stderr).toBe(0);

      // A context that exists is left alone (docker context create writes its metadata).
      expect((await m.run('docker', ['context', 'create', 'elsewhere', '--docker', 'host=unix:///nowhere.sock'])).exitCode).toBe(0);
      expect((await m.run('docker', ['context', 'use', 'elsewhere'])).exitCode).toBe(0);
      const fine = await m.doctor('docker-context');
      expect(fine.stdout).toContain('docker uses the context "elsewhere", which exists');
      expect(fine.exitCode).toBe(0);
    } finally {
      m.home.cleanup();
    }
  });

  it('leaves a broken config.json alone, byte for byte, and says where it is broken', async () => {
    const m = machine();
    try {
      m.addTsstoreToPath();
      const broken = '{\n\t"auths": {\n\t\t"reg.example": {"auth": "YTpi"},\n\t}\n}\n';
      writeFileSync(m.configFile, broken, { mode: 0o644 });
      const before = snapshotTree(m.home.home);
      const result = await m.doctor('--fix', '--json');
      expect(result.exitCode).toBe(1);
      const report = JSON.parse(result.stdout) as { ok: boolean; checks: Array<{ id: string; status: string; details: string[] }> };
      expect(report.ok).toBe(false);
      expect(report.checks[0]).toMatchObject({ id: 'config-json', status: 'problem' });
      expect(report.checks[0]?.details[0]).toBe(`${m.configFile} is not valid JSON (line 4, column 2); fix it by hand`);
      for (const id of ['creds-store', 'plaintext-credentials', 'cred-helpers']) {
        expect(report.checks.find((check) => check.id === id)?.status, id).toBe('skipped');
      }
      // file-permissions would chmod config.json: with config.json unreadable no fix runs at all.
      expect(report.checks.find((check) => check.id === 'file-permissions')?.details).toContain('not fixed: config.json must be fixed by hand first (see config-json)');
      expect(snapshotTree(m.home.home)).toEqual(before);
    } finally {
      m.home.cleanup();
    }
  });

  describe('a pass user', () => {
    let pass: ReferencePass;
    beforeAll(async () => {
      pass = await createReferencePass();
    });
    afterAll(async () => {
      await pass?.cleanup();
    });

    it('migrate --from pass moves its logins on its own; --dry-run changes nothing', async () => {
      const m = machine([findOnPath('docker-credential-pass')?.replace(/\/docker-credential-pass$/, '') ?? '/usr/bin']);
      try {
        Object.assign(m.env, { GNUPGHOME: pass.gpgHome.gnupgHome, PASSWORD_STORE_DIR: pass.passwordStore });
        m.addTsstoreToPath();
        writeFileSync(m.configFile, '{\n\t"credsStore": "pass"\n}');
        expect((await login(m, alice)).exitCode).toBe(0);
        const config = readFileSync(m.configFile, 'utf8');

        const dry = await m.run(HELPER_BINARY, ['migrate', '--from', 'pass', '--dry-run']);
        expect(dry).toMatchObject({ stdout: `would move ${registry.host} from docker-credential-pass`, exitCode: 0 });
        expect((await m.run('docker-credential-tsstore', ['list'], 'unused')).stdout).toBe('{}');

        const moved = await m.run(HELPER_BINARY, ['migrate', '--from', 'pass']);
        expect(moved).toMatchObject({ stdout: `moved ${registry.host} from docker-credential-pass`, exitCode: 0 });
        expect(JSON.parse((await m.run('docker-credential-tsstore', ['get'], registry.host)).stdout)).toEqual({
          ServerURL: registry.host,
          Username: 'alice',
          Secret: alice.password,
        });
        // migrate only fills the store; switching docker is doctor's (or the person's) step.
        expect(readFileSync(m.configFile, 'utf8')).toBe(config);
        // From config while docker uses pass: switching credsStore here would hide pass's logins.
        const fromConfig = await m.run(HELPER_BINARY, ['migrate', '--from', 'config']);
        expect(fromConfig.exitCode).toBe(1);
        expect(fromConfig.stderr).toBe('docker-credential-tsstore: docker uses credsStore "pass"; run docker-credential-tsstore doctor --fix creds-store instead');
        expect(readFileSync(m.configFile, 'utf8')).toBe(config);
        expect((await m.run(HELPER_BINARY, ['migrate', '--from', 'nonexistent'])).stderr).toBe(
          'docker-credential-tsstore: docker-credential-nonexistent is not on PATH\n'.trimEnd(),
        );
      } finally {
        m.home.cleanup();
      }
    });

    it('gets every login moved out of pass, verified, and docker switched to tsstore', async () => {
      const m = machine([findOnPath('docker-credential-pass')?.replace(/\/docker-credential-pass$/, '') ?? '/usr/bin']);
      try {
        // The pass store and its GnuPG key live in the pass fixture's HOME; point this machine at them.
        Object.assign(m.env, { GNUPGHOME: pass.gpgHome.gnupgHome, PASSWORD_STORE_DIR: pass.passwordStore });
        m.addTsstoreToPath();
        writeFileSync(m.configFile, '{\n\t"credsStore": "pass"\n}');
        const stored = await login(m, alice);
        expect(stored.exitCode, stored.stderr).toBe(0);
        expect((await pass.run('list', 'unused')).stdout).toBe(`{"${registry.host}":"alice"}\n`);

        const fixed = await m.doctor('--fix', 'creds-store');
        expect(fixed.exitCode, fixed.stdout).toBe(0);
        expect(fixed.stdout).toContain(`moved 1 login(s) from docker-credential-pass: ${registry.host}`);
        expect(JSON.parse(readFileSync(m.configFile, 'utf8'))).toEqual({ auths: { [registry.host]: {} }, credsStore: 'tsstore' });
        const got = await m.run('docker-credential-tsstore', ['get'], registry.host);
        expect(JSON.parse(got.stdout)).toEqual({ ServerURL: registry.host, Username: 'alice', Secret: alice.password });
        // pass keeps its copy: moving never deletes from the old helper.
        expect((await pass.run('list', 'unused')).stdout).toBe(`{"${registry.host}":"alice"}\n`);
      } finally {
        m.home.cleanup();
      }
    });
  });
});
