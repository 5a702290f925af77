/**
 * dist/release/ as a person downloading from a release page meets it: exactly the promised files,
 * `sha256sum -c SHA256SUMS` passes, and each executable is the right format for its platform and embeds
 * that platform's keyring addon and no other. The addons to look for are fetched here with `npm pack`,
 * independently of the release script. The darwin and windows files cannot run here: their format, their
 * addon, the program inside them and a size in line with the linux file is what can be checked.
 */
import { mkdtempSync, openSync, readFileSync, readSync, closeSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/helper-binary.js';
import { executableFormat } from './support/executable-format.js';
import { KEYRING_VERSION, RELEASE_DIR, RELEASE_TIMEOUT_MS, VERSION, ensureRelease, releaseFile } from './support/release-build.js';
import { TARGETS, expectedReleaseFiles } from './support/targets.js';

/** Every target's addon as published, by package name. */
const published = new Map<string, Buffer>();
let packs: string;

function header(file: string): Buffer {
  const bytes = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** The embedded files' names bun records inside a compiled executable (`/$bunfs/root/...`, `B:/~BUN/root/...`). */
function embeddedNodeFiles(bytes: Buffer): string[] {
  const names = new Set<string>();
  for (const match of bytes.toString('latin1').matchAll(/(?:\$bunfs|~BUN)[/\\]root[/\\]([\w.-]+\.node)/g)) names.add(match[1] ?? '');
  return [...names].sort();
}

beforeAll(async () => {
  await ensureRelease();
  packs = mkdtempSync(join(tmpdir(), 'tsstore-addon-packs-'));
  for (const target of TARGETS) {
    await execa('npm', ['pack', `${target.addonPackage}@${KEYRING_VERSION}`, '--pack-destination', packs, '--silent'], { timeout: 120_000 });
    const tarball = readdirSync(packs).find((name) => name.endsWith('.tgz') && name.startsWith(target.addonPackage.slice(1).replace('/', '-')));
    if (!tarball) throw new Error(`npm pack ${target.addonPackage} wrote no tarball`);
    const addon = await execa('tar', ['-xzOf', join(packs, tarball), `package/${target.addonFile}`], { encoding: 'buffer', timeout: 60_000 });
    published.set(target.addonPackage, Buffer.from(addon.stdout));
  }
}, RELEASE_TIMEOUT_MS);
afterAll(() => {
  if (packs) rmSync(packs, { recursive: true, force: true });
});

describe('dist/release', () => {
  it('holds exactly the promised files, VERSION from package.json in their names', () => {
    expect(readdirSync(RELEASE_DIR).sort()).toEqual(expectedReleaseFiles(VERSION));
  });

  it('passes sha256sum -c SHA256SUMS, which lists every other file', async () => {
    const check = await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: RELEASE_DIR, reject: false });
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    const listed = readFileSync(releaseFile('SHA256SUMS'), 'utf8').trimEnd().split('\n').map((line) => /^[0-9a-f]{64} {2}(\S+)$/.exec(line)?.[1]);
    expect(listed).toEqual(expectedReleaseFiles(VERSION).filter((file) => file !== 'SHA256SUMS'));
  });

  it('is not tracked by git (dist/ stays ignored)', async () => {
    const ignored = await execa('git', ['check-ignore', '-q', 'dist/release/SHA256SUMS'], { cwd: PROJECT_ROOT, reject: false });
    expect(ignored.exitCode).toBe(0);
  });
});

describe.each(TARGETS)('$file', (target) => {
  it(`is a ${target.format} executable`, () => {
    expect(executableFormat(header(releaseFile(target.file)))).toBe(target.format);
    expect(statSync(releaseFile(target.file)).mode & 0o111).not.toBe(0);
  });

  it(`embeds ${target.addonPackage}@${KEYRING_VERSION} and no other platform's addon`, () => {
    const bytes = readFileSync(releaseFile(target.file));
    for (const [name, addon] of published) {
      expect(bytes.includes(addon), `${name} inside ${target.file}`).toBe(name === target.addonPackage);
    }
    // One embedded .node file, named after that platform's addon (bun adds a hash to the name).
    const embedded = embeddedNodeFiles(bytes);
    expect(embedded).toHaveLength(1);
    expect(embedded[0]).toMatch(new RegExp(`^${target.addonFile.replace(/\.node$/, '').replaceAll('.', '\\.')}-\\w+\\.node$`));
  });

  it('holds the program (its protocol texts) and is the size of the linux file, give or take a runtime', () => {
    const bytes = readFileSync(releaseFile(target.file));
    expect(bytes.includes('credentials not found in native keychain')).toBe(true);
    expect(bytes.includes('docker-credential-tsstore init --backend pgp')).toBe(true);
    // bun's runtimes differ by platform (measured: darwin-arm64 0.81, windows 1.04 of linux-x64).
    const ratio = bytes.length / statSync(releaseFile('docker-credential-tsstore-linux-x64')).size;
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.4);
  });
});
