/**
 * The .deb files as a Debian or Ubuntu user meets them: the control fields, exactly the promised files
 * (the executable of the release for that architecture as /usr/bin/docker-credential-tsstore, README,
 * copyright, changelog, man page), lintian clean but for overrides that each say why. Then, for real,
 * `dpkg -i` of the amd64 package (inside an install sandbox: /usr and /var are overlays in a private mount
 * namespace, so the machine stays as it was), `docker login`, `push` and `pull` with a real dockerd and
 * registry through /usr/bin/docker-credential-tsstore, and `dpkg -r`, after which no file it installed is left.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DockerClient, dockerClient } from '../support/docker-client.js';
import { type StartedDockerDaemon, dockerDaemonUnavailable, startDockerDaemon } from '../support/docker-daemon.js';
import { type HelperResult, PROJECT_ROOT } from '../support/helper-binary.js';
import { haveAll, requireReal } from '../support/real-components.js';
import { type RegistryUser, type StartedRegistry, randomSecret, startRegistry } from '../support/registry.js';
import { type InstallSandbox, installSandboxUnavailable, startInstallSandbox } from './support/install-sandbox.js';
import { RELEASE_TIMEOUT_MS, VERSION, ensureRelease, releaseFile } from './support/release-build.js';
import { debFile } from './support/targets.js';

const INSTALLED = '/usr/bin/docker-credential-tsstore';
const FILES = [
  './usr/bin/docker-credential-tsstore',
  './usr/share/doc/tsstore/README.md',
  './usr/share/doc/tsstore/changelog.gz',
  './usr/share/doc/tsstore/copyright',
  './usr/share/lintian/overrides/tsstore',
  './usr/share/man/man1/docker-credential-tsstore.1.gz',
];
const ARCHES = [
  { arch: 'amd64', executable: 'docker-credential-tsstore-linux-x64' },
  { arch: 'arm64', executable: 'docker-credential-tsstore-linux-arm64' },
] as const;

const missing = installSandboxUnavailable() ?? dockerDaemonUnavailable();
if (missing && requireReal) throw new Error(`TSSTORE_REQUIRE_REAL=1 but ${missing}`);
const haveLintian = haveAll(['lintian']);
const alice: RegistryUser = { username: 'alice', password: `alice-${randomSecret()}` };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const shown = (result: HelperResult) => `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;

beforeAll(ensureRelease, RELEASE_TIMEOUT_MS);

describe.each(ARCHES)('tsstore_VERSION_$arch.deb', ({ arch, executable }) => {
  const deb = () => releaseFile(debFile(VERSION, arch));

  it('has a control file with the version, architecture, dependencies and a description', async () => {
    const field = async (name: string) => (await execa('dpkg-deb', ['--field', deb(), name])).stdout;
    expect(await field('Package')).toBe('tsstore');
    expect(await field('Version')).toBe(VERSION);
    expect(await field('Architecture')).toBe(arch);
    expect(await field('Depends')).toMatch(/^libc6 \(>= 2\.\d+\)/);
    expect(await field('Description')).toMatch(/^Docker credential helper .*\n .*config\.json/s);
    expect(Number(await field('Installed-Size'))).toBeGreaterThan(statSizeKiB(releaseFile(executable)));
  });

  it('holds the release executable as /usr/bin/docker-credential-tsstore, the docs and a man page, root-owned', async () => {
    const listing = (await execa('dpkg-deb', ['--contents', deb()])).stdout.split('\n');
    const files = listing.filter((line) => !line.startsWith('d')).map((line) => line.split(/\s+/).at(-1));
    expect(files.sort()).toEqual(FILES);
    for (const line of listing) expect(line).toMatch(/^\S+ root\/root /);
    expect(listing.find((line) => line.endsWith(' ./usr/bin/docker-credential-tsstore'))).toMatch(/^-rwxr-xr-x /);
    const inside = await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xOf - ./usr/bin/docker-credential-tsstore', 'sh', deb()], { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 });
    expect(sha256(inside.stdout)).toBe(sha256(readFileSync(releaseFile(executable))));
  });

  it("carries the repository's LICENSE in its copyright file, in Debian's format", async () => {
    const copyright = (await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xOf - ./usr/share/doc/tsstore/copyright', 'sh', deb()])).stdout;
    const license = readFileSync(join(PROJECT_ROOT, 'LICENSE'), 'utf8');
    const holder = /^Copyright \(c\) (.+)$/m.exec(license);
    expect(holder, 'LICENSE names the holder').not.toBeNull();
    expect(copyright).toContain(`\nFiles: *\nCopyright: ${holder?.[1]}\nLicense: MIT\n`);
    // The stand-alone License paragraph, read back: one space of indent, " ." for an empty line.
    const paragraph = copyright.split('\nLicense: MIT\n').at(-1) ?? '';
    const text = paragraph.split('\n').map((line) => (line === ' .' ? '' : line.replace(/^ /, ''))).join('\n');
    expect(text).toBe(license.slice((holder?.index ?? 0) + (holder?.[0].length ?? 0)).trim());
  });

  it.skipIf(!haveLintian)('is lintian clean; each override in the package says why', async () => {
    // lintian exits 0 and prints nothing (the root warning goes to stderr) when nothing but overridden tags is left.
    const lint = await execa('lintian', [deb()], { reject: false, timeout: 300_000 });
    expect({ exitCode: lint.exitCode, stdout: lint.stdout }, lint.stderr).toEqual({ exitCode: 0, stdout: '' });
    const overrides = await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xOf - ./usr/share/lintian/overrides/tsstore', 'sh', deb()]);
    const overrideLines = overrides.stdout.split('\n');
    overrideLines.forEach((line, index) => {
      if (line.startsWith('tsstore: ')) expect(overrideLines[index - 1], line).toMatch(/^# \S/);
    });
  }, 300_000);
});

function statSizeKiB(file: string): number {
  return Math.floor(statSync(file).size / 1024);
}

describe.skipIf(missing !== undefined || !haveAll(['docker', 'docker-registry', 'htpasswd']))('dpkg -i, docker login/push/pull through it, dpkg -r', () => {
  let sandbox: InstallSandbox;
  let daemon: StartedDockerDaemon;
  let registry: StartedRegistry;
  let client: DockerClient;
  let installedFiles: string[] = [];

  beforeAll(async () => {
    sandbox = await startInstallSandbox();
    registry = await startRegistry({ users: [alice] });
    daemon = await startDockerDaemon();
    await daemon.importImage('tsstore-e2e/app:1');
    // docker (and the helper it runs) inside the sandbox: the only place where the package is installed.
    client = dockerClient({ daemonHost: daemon.host, helper: INSTALLED, launcher: sandbox.launcher });
  }, 180_000);
  afterAll(async () => {
    client?.home.cleanup();
    await daemon?.stop();
    await registry?.stop();
    await sandbox?.stop();
  });

  it('dpkg -i installs it as /usr/bin/docker-credential-tsstore, on PATH, printing the version', async () => {
    const install = await sandbox.exec('dpkg', ['-i', releaseFile(debFile(VERSION, 'amd64'))]);
    expect(install.exitCode, shown(install)).toBe(0);
    const listed = await sandbox.exec('dpkg', ['-L', 'tsstore']);
    installedFiles = listed.stdout.split('\n').filter(Boolean);
    expect(installedFiles).toContain(INSTALLED);
    expect(await sandbox.exec('sh', ['-c', 'command -v docker-credential-tsstore && docker-credential-tsstore version'])).toEqual({
      stdout: `${INSTALLED}\ndocker-credential-tsstore (github.com/tsstore/tsstore) ${VERSION}\n`,
      stderr: '',
      exitCode: 0,
    });
    // The machine outside the sandbox did not get it.
    expect((await execa('test', ['-e', INSTALLED], { reject: false })).exitCode).toBe(1);
    const man = await sandbox.exec('man', ['--warnings', '-P', 'cat', 'docker-credential-tsstore'], { env: { PATH: '/usr/bin:/bin', MANWIDTH: '80', LANG: 'C.UTF-8' } });
    expect(man.stderr).toBe('');
    expect(man.stdout).toContain('docker-credential-tsstore');
  }, 120_000);

  it('docker login, push and pull go through /usr/bin/docker-credential-tsstore', async () => {
    const login = await client.login(alice, registry.host);
    expect(login.exitCode, shown(login)).toBe(0);
    expect(client.config()).toEqual({ auths: { [registry.host]: {} }, credsStore: 'tsstore' });
    const got = await client.helper(['get'], registry.host);
    expect(JSON.parse(got.stdout)).toEqual({ ServerURL: registry.host, Username: alice.username, Secret: alice.password });
    const image = `${registry.host}/alice/app:1`;
    expect((await client.docker(['tag', 'tsstore-e2e/app:1', image])).exitCode).toBe(0);
    const push = await client.docker(['push', image]);
    expect(push.exitCode, shown(push)).toBe(0);
    expect((await client.docker(['rmi', image])).exitCode).toBe(0);
    const pull = await client.docker(['pull', image]);
    expect(pull.exitCode, shown(pull)).toBe(0);
    // Without the stored login the registry refuses: the pull above used it.
    expect((await client.docker(['logout', registry.host])).exitCode).toBe(0);
    expect((await client.docker(['pull', image])).exitCode).not.toBe(0);
  }, 180_000);

  it('dpkg -r removes every file it installed', async () => {
    expect(installedFiles.length).toBeGreaterThan(0);
    const remove = await sandbox.exec('dpkg', ['-r', 'tsstore']);
    expect(remove.exitCode, shown(remove)).toBe(0);
    // With no conffiles to keep, dpkg forgets the package entirely.
    const status = await sandbox.exec('dpkg', ['-s', 'tsstore']);
    expect(status.exitCode).toBe(1);
    expect(status.stderr).toMatch(/package 'tsstore' is not installed/);
    // Folders the system has anyway (/usr/bin, /usr/share/man/man1) stay; everything of ours goes.
    const left = await sandbox.exec('sh', ['-c', 'for f; do if [ -e "$f" ] && ! [ -d "$f" ] || [ "$f" = /usr/share/doc/tsstore -a -e "$f" ]; then echo "$f"; fi; done', 'sh', ...installedFiles]);
    expect(left).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  }, 120_000);
});
