/**
 * The two Linux files of the release, run the way a user runs a downloaded file: linux-x64 on this
 * machine and again under qemu-x86_64-static as a Nehalem, a CPU without AVX or AVX2 (the amd64 .deb
 * carries that file to any amd64 machine), linux-arm64 under qemu-aarch64-static with Debian's arm64 libc
 * (libc6-arm64-cross). Each answers the protocol round trip, `version` and `--version` with package.json's
 * version, and stores with the pgp backend files that the real gpg decrypts with the store's key.
 *
 * That the Nehalem model can fail a file is shown on its own: it kills an AVX2 instruction with SIGILL
 * (a probe executable that the same model plus AVX2 runs), and a model without SSE4.2 and POPCNT, which
 * bun's baseline runtime needs, kills the linux-x64 file itself.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HelperResult, type TemporaryHome, runHelper, temporaryHome } from '../support/helper-binary.js';
import { findOnPath, haveAll, requireReal } from '../support/real-components.js';
import { type GpgHome, createGpgHome } from '../support/reference-pass.js';
import { avx2ProbeExecutable } from './support/avx2-probe.js';
import { RELEASE_TIMEOUT_MS, VERSION, ensureRelease, releaseFile } from './support/release-build.js';

const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const qemu = findOnPath('qemu-aarch64-static');
const arm64Missing = !qemu ? 'qemu-aarch64-static is not installed (apt-get install qemu-user-static)' : !findOnPath('ld-linux-aarch64.so.1', join(ARM64_SYSROOT, 'lib')) ? `${ARM64_SYSROOT} has no arm64 libc (apt-get install libc6-arm64-cross)` : undefined;
if (arm64Missing && requireReal) throw new Error(`TSSTORE_REQUIRE_REAL=1 but ${arm64Missing}`);

// QEMU's Nehalem: SSE4.2 and POPCNT, no AVX, no AVX2. qemu64 has neither SSE4.2 nor POPCNT.
const NO_AVX2_CPU = 'Nehalem';
const NO_SSE42_CPU = 'qemu64';
const qemuX64 = findOnPath('qemu-x86_64-static');
const x64EmulatorMissing = process.arch !== 'x64' ? `this machine is ${process.arch}, not x64` : !qemuX64 ? 'qemu-x86_64-static is not installed (apt-get install qemu-user-static)' : undefined;
if (!qemuX64 && requireReal && process.arch === 'x64') throw new Error(`TSSTORE_REQUIRE_REAL=1 but ${x64EmulatorMissing}`);
/** Said in the names of the tests that need qemu-x86_64-static, so a skipped run says why. */
const x64EmulatorNote = x64EmulatorMissing ? ` (skipped: ${x64EmulatorMissing})` : '';

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
    name: `docker-credential-tsstore-linux-x64 under qemu-x86_64-static -cpu ${NO_AVX2_CPU} (no AVX2)${x64EmulatorNote}`,
    skip: x64EmulatorMissing !== undefined,
    run: (args, env, input) => runHelper(['-cpu', NO_AVX2_CPU, releaseFile('docker-credential-tsstore-linux-x64'), ...args], { binary: qemuX64 ?? 'qemu-x86_64-static', env, input }),
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

describe.skipIf(x64EmulatorMissing !== undefined)(`qemu-x86_64-static -cpu ${NO_AVX2_CPU}, which can fail a file${x64EmulatorNote}`, () => {
  let folder = '';
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'tsstore-cpu-model-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Runs `file` on the emulated `cpu`, in `folder` (where qemu would drop a core file), with how it ended. */
  const runOn = async (cpu: string, file: string, args: readonly string[] = []) => {
    const result = await execa(qemuX64 ?? 'qemu-x86_64-static', ['-cpu', cpu, file, ...args], { cwd: folder, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: folder }, extendEnv: false, reject: false, input: '', timeout: 60_000 });
    return { exitCode: result.exitCode, signal: result.signal, stdout: String(result.stdout) };
  };

  it('kills an AVX2 instruction with SIGILL, which the same model with AVX2 added runs', async () => {
    const probe = join(folder, 'avx2-probe');
    writeFileSync(probe, avx2ProbeExecutable());
    chmodSync(probe, 0o755);
    expect(await runOn(NO_AVX2_CPU, probe)).toMatchObject({ signal: 'SIGILL' });
    // AVX only (Sandy Bridge) is not enough for a 256-bit integer operation; AVX2 is (xsave: the state AVX needs).
    expect(await runOn(`${NO_AVX2_CPU},+xsave,+avx`, probe)).toMatchObject({ signal: 'SIGILL' });
    expect(await runOn(`${NO_AVX2_CPU},+xsave,+avx,+avx2`, probe)).toMatchObject({ exitCode: 0, signal: undefined });
  }, 60_000);

  it(`kills the linux-x64 file with SIGILL on ${NO_SSE42_CPU}, which lacks the SSE4.2 and POPCNT bun's baseline needs`, async () => {
    const file = releaseFile('docker-credential-tsstore-linux-x64');
    expect(await runOn(NO_SSE42_CPU, file, ['version'])).toMatchObject({ signal: 'SIGILL', stdout: '' });
    expect(await runOn(`${NO_SSE42_CPU},+ssse3,+sse4.1,+sse4.2,+popcnt`, file, ['version'])).toMatchObject({ exitCode: 0, stdout: expect.stringContaining(` ${VERSION}`) });
  }, 120_000);
});
