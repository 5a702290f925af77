/**
 * doctor's config-keys on the built file, in a temporary HOME: misspelled and case-folded keys, a
 * credHelpers key docker never looks up, DOCKER_AUTH_CONFIG hiding a stored login (without its secret
 * in the report), and under sudo a root config dir and the user's, the user found through /etc/passwd
 * (a copy with one more line, bind-mounted in a private mount namespace: the real file is untouched).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { HELPER_BINARY, type TemporaryHome, temporaryHome } from '../support/helper-binary.js';
import { dockerClient } from '../support/docker-client.js';
import { findOnPath, haveAll } from '../support/real-components.js';
import { randomSecret, startRegistry } from '../support/registry.js';
import type { DoctorReport as Report } from '../support/doctor-e2e.js';

const SECRET = `hunter2-${process.pid}-secret`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

function writeConfig(dir: string, config: unknown): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config, null, '\t'), { mode: 0o600 });
  return path;
}

async function doctor(home: TemporaryHome, env: Record<string, string>, wrap: string[] = []) {
  const [program = HELPER_BINARY, ...args] = [...wrap, HELPER_BINARY, 'doctor', '--json', 'config-keys'];
  const result = await execa(program, args, { env: { ...home.env, ...env }, extendEnv: false, reject: false, cwd: home.home, timeout: 60_000 });
  const output = String(result.stdout) + String(result.stderr);
  expect(output).not.toContain(SECRET);
  expect(output).not.toContain(b64(`carol:${SECRET}`));
  const report = JSON.parse(String(result.stdout)) as Report;
  return { exitCode: result.exitCode, check: report.checks[0] };
}

/** Whether this machine lets root bind-mount in a private mount namespace (a container may not). */
function canUnshare(): boolean {
  if (process.getuid?.() !== 0 || !findOnPath('unshare')) return false;
  return spawnSync('unshare', ['-m', 'mount', '--bind', '/etc/hostname', '/etc/hostname'], { timeout: 10_000 }).status === 0;
}

describe('doctor config-keys on the built file', () => {
  it('reports misspelled keys, a credHelpers URL and the logins DOCKER_AUTH_CONFIG hides, without a secret', async () => {
    const home = temporaryHome('tsstore-e2e-config-keys-');
    try {
      const path = writeConfig(home.env.DOCKER_CONFIG as string, {
        auths: { 'reg.example.com': {}, 'other.example': {} },
        credStore: 'tsstore',
        credsstore: 'tsstore',
        credHelpers: { 'https://reg.example.com/v2': 'tsstore', 'gcr.io': 'gcloud' },
      });
      const authConfig = JSON.stringify({ auths: { 'https://reg.example.com': { auth: b64(`carol:${SECRET}`) }, 'ci.example': { auth: b64(`carol:${SECRET}`) } } });
      const { exitCode, check } = await doctor(home, { DOCKER_AUTH_CONFIG: authConfig });
      expect(exitCode).toBe(1);
      expect(check).toEqual({
        id: 'config-keys',
        title: 'Docker reads config.json as it was meant',
        status: 'problem',
        details: [
          `${path} has "credStore", which docker ignores: rename it to "credsStore"`,
          `${path} has "credsstore": docker reads it as "credsStore" (Go matches keys ignoring case), but tools that match exactly do not, doctor's other checks included: rename it to "credsStore"`,
          `credHelpers in ${path} has "https://reg.example.com/v2": docker looks a helper up by host[:port] alone, so a key with a scheme or a path never matches; write "reg.example.com" instead`,
          'DOCKER_AUTH_CONFIG hides the stored login for reg.example.com: docker uses its login there, whatever docker login stores',
          `DOCKER_AUTH_CONFIG is set: docker (28.3 and later) takes the logins for ci.example, reg.example.com from it, before ${path}`,
          `run: \${EDITOR:-nano} ${path}`,
          'run: unset DOCKER_AUTH_CONFIG   # and remove it from the shell start-up file or CI setting that sets it',
        ],
      });

      // A broken value: where it breaks, never what it holds.
      const broken = await doctor(home, { DOCKER_AUTH_CONFIG: `{"auths": {"x": {"auth": "${b64(`carol:${SECRET}`)}"}},\n}` });
      expect(broken.check?.details).toContain('DOCKER_AUTH_CONFIG is not valid JSON (line 2, column 1): docker (28.3 and later) cannot use it');
    } finally {
      home.cleanup();
    }
  });

  it.skipIf(!canUnshare())('under sudo, lists the logins only root or only the user has', async () => {
    const home = temporaryHome('tsstore-e2e-config-keys-sudo-');
    try {
      // HOME and DOCKER_CONFIG are "root's" (sudo without -E); bob's home is another folder.
      const rootPath = writeConfig(home.env.DOCKER_CONFIG as string, { auths: { 'root-only.example': {}, 'shared.example': {} }, credsStore: 'tsstore' });
      const bobHome = join(home.home, 'bob');
      const bobPath = writeConfig(join(bobHome, '.docker'), { auths: { 'https://shared.example': {}, 'bob-only.example:5000': {} }, credsStore: 'tsstore' });
      const passwd = join(home.home, 'passwd');
      writeFileSync(passwd, `${readFileSync('/etc/passwd', 'utf8')}tsstore-bob:x:4242:4242::${bobHome}:/bin/sh\n`);
      const wrap = ['unshare', '-m', 'sh', '-c', 'mount --bind "$0" /etc/passwd && exec "$@"', passwd];

      const { exitCode, check } = await doctor(home, { SUDO_USER: 'tsstore-bob' }, wrap);
      expect(exitCode).toBe(1);
      expect(check?.status).toBe('problem');
      expect(check?.details).toEqual([
        `logins only ${rootPath} has (sudo docker login writes there): root-only.example; docker run as tsstore-bob does not see them`,
        `logins only tsstore-bob's ${bobPath} has: bob-only.example:5000; sudo docker does not see them`,
        `under sudo (SUDO_USER=tsstore-bob) docker reads ${rootPath}, not tsstore-bob's ${bobPath}`,
        'run: docker login root-only.example   # as tsstore-bob, without sudo',
        'run: sudo docker login bob-only.example:5000',
      ]);

      // sudo -E kept bob's HOME: docker reads bob's file, nothing to compare.
      const kept = await doctor(home, { SUDO_USER: 'tsstore-bob', HOME: bobHome, DOCKER_CONFIG: join(bobHome, '.docker') }, wrap);
      expect(kept.check).toMatchObject({ status: 'ok' });
    } finally {
      home.cleanup();
    }
  });

  // What the wording above claims of docker, asked of the real docker CLI: a login lands in the helper for
  // "credsstore" (Go folds case) and in plain text for "credStore" (an unknown key).
  it.skipIf(!haveAll(['docker', 'docker-registry', 'htpasswd']))('matches what the real docker CLI does with credsstore and credStore', async () => {
    const user = { username: 'alice', password: `alice-${randomSecret()}` };
    const registry = await startRegistry({ users: [user] });
    try {
      for (const [key, inHelper] of [['credsstore', true], ['credStore', false]] as const) {
        const client = dockerClient();
        try {
          writeFileSync(client.configFile, JSON.stringify({ [key]: 'tsstore' }), { mode: 0o600 });
          const login = await client.login(user, registry.host);
          expect(login.exitCode, login.stderr).toBe(0);
          const auths = (client.config() as { auths?: Record<string, { auth?: string }> }).auths ?? {};
          const get = await client.helper(['get'], registry.host);
          if (inHelper) {
            expect(get.exitCode).toBe(0);
            expect(JSON.parse(get.stdout)).toMatchObject({ Username: 'alice' });
            expect(auths[registry.host]?.auth).toBeUndefined();
          } else {
            expect(get.exitCode).toBe(1);
            expect(auths[registry.host]?.auth).toBe(b64(`alice:${user.password}`));
          }
        } finally {
          client.home.cleanup();
        }
      }
    } finally {
      await registry.stop();
    }
  }, 120_000);
});
