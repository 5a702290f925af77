/**
 * The built file on its own: copied into an empty folder, run with a PATH that has no node, in a
 * HOME where nothing is set up yet.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELPER_BINARY, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { findOnPath } from '../support/real-components.js';
import { snapshotTree } from '../support/tree-snapshot.js';

let home: TemporaryHome;
let binary: string;
let env: Record<string, string>;
let bin: string;

beforeAll(() => {
  home = temporaryHome();
  bin = mkdtempSync(join(tmpdir(), 'tsstore-bin-'));
  binary = join(bin, 'docker-credential-tsstore');
  copyFileSync(HELPER_BINARY, binary);
  // No TSSTORE_HOME: the XDG defaults under HOME. PATH holds only the copied file's folder.
  env = { HOME: home.home, PATH: bin, LANG: 'C.UTF-8' };
});
afterAll(() => {
  home.cleanup();
  rmSync(bin, { recursive: true, force: true });
});

const run = (args: string[], input?: string, extra: Record<string, string> = {}) =>
  runHelper(args, { binary, env: { ...env, ...extra }, input, cwd: bin });

describe('the single file', () => {
  it('runs where no node is on PATH', async () => {
    expect(findOnPath('node', env.PATH)).toBeUndefined();
    const result = await run(['version']);
    expect(result).toEqual({ stdout: expect.stringMatching(/^docker-credential-tsstore \(\S+\) \d+\.\d+\.\d+\n$/), stderr: '', exitCode: 0 });
  });

  it('answers reads on a fresh machine without writing anything', async () => {
    const before = snapshotTree(home.home);
    expect(await run(['list'], 'unused')).toEqual({ stdout: '{}\n', stderr: '', exitCode: 0 });
    expect(await run(['get'], 'reg.example')).toEqual({ stdout: 'credentials not found in native keychain\n', stderr: '', exitCode: 1 });
    expect(snapshotTree(home.home)).toEqual(before);
  });

  it('sets itself up on the first store: nothing on stdout, one note on stderr, XDG folders, private modes', async () => {
    const result = await run(['store'], '{"ServerURL":"reg.example","Username":"u","Secret":"p4ss"}');
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/^tsstore: created a new OpenPGP store key [0-9a-f]{40} in \S+private-key\.asc\n$/);
    const settings = join(home.home, '.config', 'tsstore', 'settings.json');
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({ backend: 'pgp' });
    const store = join(home.home, '.local', 'share', 'tsstore', 'pgp');
    expect(readdirSync(join(store, 'credentials'))).toEqual(['reg%2Eexample.asc']);
    expect(statSync(join(store, 'private-key.asc')).mode & 0o777).toBe(0o600);
    expect(statSync(store).mode & 0o777).toBe(0o700);
    expect(await run(['get'], 'reg.example')).toEqual({
      stdout: '{"ServerURL":"reg.example","Username":"u","Secret":"p4ss"}\n',
      stderr: '',
      exitCode: 0,
    });
    const second = await run(['store'], '{"ServerURL":"other.example","Username":"u","Secret":"x"}');
    expect(second).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  it('says clearly that the keyring backend needs a D-Bus session (there is none here)', async () => {
    const result = await run(['list'], '', { TSSTORE_BACKEND: 'keyring' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(
      'the keyring backend needs the Secret Service over D-Bus, and there is no D-Bus session bus here (DBUS_SESSION_BUS_ADDRESS is not set): run it in your desktop session, or start a keyring (dbus-run-session, then gnome-keyring-daemon --unlock), or use the pgp backend instead: docker-credential-tsstore init --backend pgp (or TSSTORE_BACKEND=pgp)\n',
    );
  });

  it('reads nothing from the folder it runs in: no .env, no bunfig.toml preload (docker runs it in any folder)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tsstore-cwd-'));
    try {
      const marker = join(folder, 'preload-ran');
      writeFileSync(join(folder, 'bunfig.toml'), 'preload = ["./preload.js"]\n');
      writeFileSync(join(folder, 'preload.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
      writeFileSync(join(folder, '.env'), 'TSSTORE_BACKEND=from-dotenv\nTSSTORE_HOME=/tmp/from-dotenv\n');
      writeFileSync(join(folder, 'package.json'), '{"type":"commonjs","imports":{"#x":"./preload.js"}}\n');
      writeFileSync(join(folder, 'tsconfig.json'), '{"compilerOptions":{"paths":{"node:fs":["./preload.js"]}}}\n');
      const result = await runHelper(['get'], { binary, env, input: 'reg.example', cwd: folder });
      expect(result).toEqual({ stdout: '{"ServerURL":"reg.example","Username":"u","Secret":"p4ss"}\n', stderr: '', exitCode: 0 });
      expect(existsSync(marker)).toBe(false);
      // The same check for a verb that goes through the command line parser and other modules.
      const info = await runHelper(['info'], { binary, env, cwd: folder });
      expect(info.exitCode).toBe(0);
      expect(info.stdout + info.stderr).not.toContain('from-dotenv');
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('keeps hostile server URLs inside the store folder, each under its own file', async () => {
    const store = join(home.home, '.local', 'share', 'tsstore', 'pgp');
    const hostile = ['../../../../tmp/escape', '/etc/passwd', '.', '..', '%2e%2e%2f', 'HOST', 'host', 'ü.example', `https://${'a'.repeat(1000)}`, '~', '-rf'];
    for (const [index, serverURL] of hostile.entries()) {
      const stored = await run(['store'], JSON.stringify({ ServerURL: serverURL, Username: `user${index}`, Secret: `s${index}` }));
      expect(stored).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    }
    expect(existsSync('/tmp/escape.asc')).toBe(false);
    const listed = JSON.parse((await run(['list'], 'unused')).stdout) as Record<string, string>;
    for (const [index, serverURL] of hostile.entries()) {
      expect(listed[serverURL]).toBe(`user${index}`);
      const got = JSON.parse((await run(['get'], serverURL)).stdout) as Record<string, string>;
      expect(got).toEqual({ ServerURL: serverURL, Username: `user${index}`, Secret: `s${index}` });
    }
    // Everything stayed in the three folders of the store, no file elsewhere under HOME.
    const files = Object.keys(snapshotTree(home.home)).filter((path) => !path.endsWith('/'));
    for (const file of files) {
      expect(file).toMatch(/^(\.config\/tsstore\/settings\.json|\.local\/share\/tsstore\/pgp\/(private-key\.asc|list-cache\.json|credentials\/[^/]+\.asc))$/);
    }
    expect(readdirSync(join(store, 'credentials'))).toHaveLength(hostile.length + 2);
    // erase removes exactly the one it is given
    expect(await run(['erase'], 'HOST')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const after = JSON.parse((await run(['list'], 'unused')).stdout) as Record<string, string>;
    expect(after.HOST).toBeUndefined();
    expect(after.host).toBe(`user${hostile.indexOf('host')}`);
    // Host names are case-insensitive: `HOST` now finds what is stored for `host`.
    expect(JSON.parse((await run(['get'], 'HOST')).stdout)).toEqual({ ServerURL: 'HOST', Username: after.host, Secret: `s${hostile.indexOf('host')}` });
  });
});
