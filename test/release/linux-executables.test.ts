/**
 * The two Linux files of the release, run the way a user runs a downloaded file: linux-x64 on this
 * machine, linux-arm64 under qemu-aarch64-static with Debian's arm64 libc (libc6-arm64-cross). Each
 * answers the protocol round trip, `version` and `--version` with package.json's version, and stores with
 * the pgp backend files that the real gpg decrypts with the store's key.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { findOnPath, haveAll, requireReal } from '../support/real-components.js';
import { type GpgHome, createGpgHome } from '../support/reference-pass.js';
import { RELEASE_TIMEOUT_MS, VERSION, ensureRelease, releaseFile } from './support/release-build.js';

const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const qemu = findOnPath('qemu-aarch64-static');
const arm64Missing = !qemu ? 'qemu-aarch64-static is not installed (apt-get install qemu-user-static)' : !findOnPath('ld-linux-aarch64.so.1', join(ARM64_SYSROOT, 'lib')) ? `${ARM64_SYSROOT} has no arm64 libc (apt-get install libc6-arm64-cross)` : undefined;
if (arm64Missing && requireReal) throw new Error(`TSSTORE_REQUIRE_REAL=1 but ${arm64Missing}`);

interface Runner {
  name: string;
  skip: boolean;
  run(args: readonly string[], env: Record<string, string>, input?: string): Promise<HelperResult>;
}

const runners: Runner[] = [
  {
    name: 'docker-credential-tsstore-linux-x64',
    skip: process.arch !== 'x64',
    run: (args, env, input) => runHelper(args, { binary: releaseFile('docker-credential-tsstore-linux-x64'), env, input }),
  },
  {
    name: 'docker-credential-tsstore-linux-arm64 under qemu-aarch64-static',
    skip: arm64Missing !== undefined,
    run: (args, env, input) => runHelper(['-L', ARM64_SYSROOT, releaseFile('docker-credential-tsstore-linux-arm64'), ...args], { binary: qemu ?? 'qemu-aarch64-static', env, input }),
  },
];

beforeAll(ensureRelease, RELEASE_TIMEOUT_MS);

describe.each(runners)('$name', (runner) => {
  const homes: TemporaryHome[] = [];
  let gpgHome: GpgHome | undefined;
  const newHome = () => {
    const home = temporaryHome('tsstore-release-');
    home.env.TSSTORE_BACKEND = 'pgp';
    homes.push(home);
    return home;
  };
  afterAll(async () => {
    for (const home of homes) home.cleanup();
    await gpgHome?.cleanup();
  });

  it.skipIf(runner.skip)('prints package.json\'s version for version and --version', async () => {
    const home = newHome();
    expect(await runner.run(['version'], home.env)).toEqual({ stdout: expect.stringMatching(new RegExp(`^docker-credential-tsstore \\(\\S+\\) ${VERSION.replaceAll('.', '\\.')}\\n$`)), stderr: '', exitCode: 0 });
    const long = await runner.run(['--version'], home.env);
    expect(long.exitCode).toBe(0);
    expect(long.stdout).toContain(` ${VERSION}`);
  }, 120_000);

  it.skipIf(runner.skip)('does the protocol round trip: store, get, list, erase, then not found', async () => {
    const home = newHome();
    const payload = { ServerURL: 'registry.example:5000', Username: 'alice', Secret: 's3cret wörd' };
    const stored = await runner.run(['store'], home.env, JSON.stringify(payload));
    expect(stored.stdout).toBe('');
    expect(stored.exitCode, stored.stderr).toBe(0);
    expect(await runner.run(['get'], home.env, 'registry.example:5000')).toEqual({ stdout: `${JSON.stringify(payload)}\n`, stderr: '', exitCode: 0 });
    expect(await runner.run(['list'], home.env, 'unused')).toEqual({ stdout: '{"registry.example:5000":"alice"}\n', stderr: '', exitCode: 0 });
    expect(await runner.run(['erase'], home.env, 'registry.example:5000')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(await runner.run(['get'], home.env, 'registry.example:5000')).toEqual({ stdout: 'credentials not found in native keychain\n', stderr: '', exitCode: 1 });
    expect(await runner.run(['bogus'], home.env)).toMatchObject({ stdout: 'docker-credential-tsstore: unknown action: bogus\n', exitCode: 1 });
  }, 180_000);

  it.skipIf(runner.skip || !haveAll(['gpg', 'gpgconf']))('stores a file that gpg decrypts with the store key', async () => {
    const home = newHome();
    const payload = { ServerURL: 'https://index.docker.io/v1/', Username: '<token>', Secret: 'hub-token' };
    expect(await runner.run(['store'], home.env, JSON.stringify(payload))).toMatchObject({ stdout: '', exitCode: 0 });
    gpgHome = await createGpgHome();
    const pgp = join(home.env.TSSTORE_HOME ?? '', 'pgp');
    const imported = await gpgHome.gpg(['--import', join(pgp, 'private-key.asc')]);
    expect(imported.exitCode, imported.stderr).toBe(0);
    const [file, ...others] = readdirSync(join(pgp, 'credentials'));
    expect(others).toEqual([]);
    const decrypted = await gpgHome.gpg(['--decrypt', join(pgp, 'credentials', file ?? '')]);
    expect(decrypted.exitCode, decrypted.stderr).toBe(0);
    expect(JSON.parse(decrypted.stdout)).toEqual(payload);
  }, 180_000);
});
