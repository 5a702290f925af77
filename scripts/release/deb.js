// tsstore_VERSION_ARCH.deb with dpkg-deb: the linux executable as /usr/bin/docker-credential-tsstore, the
// README, a copyright file, a Debian changelog and a man page under /usr/share, and lintian overrides that
// say why each remaining tag does not apply.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const here = import.meta.dirname;

// Read from the executables with objdump -T: bun's runtime asks for GLIBC_2.17 at most, the keyring
// addon (loaded only by the keyring backend) for GLIBC_2.15 and libgcc_s.
const DEPENDS = 'libc6 (>= 2.17), libgcc-s1';

// Tags lintian reports on every bun-built executable, each with why it is no fault of this package. The
// reasons go into the overrides file as comments, where `lintian --show-overrides` prints them.
const OVERRIDES = [
  ['unstripped-binary-or-object', '[usr/bin/docker-credential-tsstore]', 'bun appends the program (bytecode, embedded keyring addon) to its runtime: strip would cut it off.'],
  ['hardening-no-pie', '[usr/bin/docker-credential-tsstore]', "The runtime is bun's release build, linked by bun's toolchain as a non-PIE executable; it is not rebuilt here."],
  ['hardening-no-relro', '[usr/bin/docker-credential-tsstore]', "The runtime is bun's release build, linked by bun's toolchain without RELRO; it is not rebuilt here."],
  ['embedded-library', 'libjpeg [usr/bin/docker-credential-tsstore]', "bun's runtime carries its own libjpeg (for its image API), as every bun executable does."],
];

// xz -1, not dpkg-deb's -6: measured on the 113 MB amd64 executable, 47.1 MB in 17 s against 42.2 MB in
// 60 s (190 s on two busy cores), and the release tests rebuild the packages whenever a source changes.
const XZ_LEVEL = 1;

/** The control file's text. `installedSize` in KiB, as dpkg counts it. */
export function controlText({ version, arch, installedSize }) {
  return [
    'Package: tsstore',
    `Version: ${version}`,
    `Architecture: ${arch}`,
    'Maintainer: tsstore maintainers <tsstore@users.noreply.github.com>',
    `Installed-Size: ${installedSize}`,
    `Depends: ${DEPENDS}`,
    'Section: utils',
    'Priority: optional',
    'Description: Docker credential helper with an encrypted store and a doctor',
    ' docker-credential-tsstore keeps registry passwords for the docker CLI, podman,',
    ' skopeo and buildah out of ~/.docker/config.json: encrypted with OpenPGP in',
    ' files of its own, which GnuPG can read, or in the Secret Service keyring.',
    ' .',
    ' "docker-credential-tsstore init" sets it up and makes Docker use it;',
    ' "docker-credential-tsstore doctor --fix" finds and fixes what is wrong with',
    ' a Docker login set-up (plaintext passwords, a missing helper, GPG_TTY).',
    ' .',
    ' It is one executable with its runtime built in: it needs no Node.js.',
    '',
  ].join('\n');
}

function changelogText(version, date) {
  return `tsstore (${version}) unstable; urgency=medium\n\n  * Release ${version}.\n\n -- tsstore maintainers <tsstore@users.noreply.github.com>  ${date}\n`;
}

/** RFC 2822 date, as Debian changelogs write it. */
function rfc2822(date) {
  const day = date.toUTCString().slice(0, 3);
  const [, dd, mon, yyyy, time] = date.toUTCString().split(' ');
  return `${day}, ${dd} ${mon} ${yyyy} ${time} +0000`;
}

/**
 * debian/copyright from its template and the repository's LICENSE, the one copy of the MIT text: the
 * holder goes into `Copyright:`, the permission text into the `License: MIT` paragraph (Debian's
 * format: each line indented by one space, an empty line written as " .").
 */
export function copyrightText(template, license) {
  const holder = /^Copyright \(c\) (.+)$/m.exec(license);
  if (!holder) throw new Error('LICENSE has no "Copyright (c) ..." line');
  const permission = license.slice(holder.index + holder[0].length).trim();
  const paragraph = permission.split('\n').map((line) => (line === '' ? ' .' : ` ${line}`)).join('\n');
  return `${template.replace('@COPYRIGHT@', holder[1]).trimEnd()}\n\nLicense: MIT\n${paragraph}\n`;
}

function write(path, content, mode) {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o755 });
  writeFileSync(path, content);
  chmodSync(path, mode);
}

/** Builds `outfile` from `executable` for Debian architecture `arch`, staging under `work`. */
export function buildDeb({ executable, arch, version, root, work, outfile, date }) {
  const stage = join(work, `deb-${arch}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { mode: 0o755 });
  const doc = join(stage, 'usr', 'share', 'doc', 'tsstore');
  write(join(stage, 'usr', 'bin', 'docker-credential-tsstore'), readFileSync(executable), 0o755);
  write(join(doc, 'README.md'), readFileSync(join(root, 'README.md')), 0o644);
  write(join(doc, 'copyright'), copyrightText(readFileSync(join(here, 'copyright'), 'utf8'), readFileSync(join(root, 'LICENSE'), 'utf8')), 0o644);
  // -n: no name or time stamp in the gzip header (lintian and reproducibility ask for that).
  write(join(doc, 'changelog.gz'), gzipSync(changelogText(version, rfc2822(date)), { level: 9 }), 0o644);
  const manDate = date.toISOString().slice(0, 10);
  const man = readFileSync(join(here, 'docker-credential-tsstore.1'), 'utf8').replaceAll('@VERSION@', version).replaceAll('@DATE@', manDate);
  write(join(stage, 'usr', 'share', 'man', 'man1', 'docker-credential-tsstore.1.gz'), gzipSync(man, { level: 9 }), 0o644);
  const overrides = OVERRIDES.map(([tag, context, reason]) => `# ${reason}\ntsstore: ${tag} ${context}\n`).join('');
  write(join(stage, 'usr', 'share', 'lintian', 'overrides', 'tsstore'), overrides, 0o644);
  chmodDirs(stage);
  const installedSize = Math.ceil(treeBytes(join(stage, 'usr')) / 1024);
  write(join(stage, 'DEBIAN', 'control'), controlText({ version, arch, installedSize }), 0o644);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', `-z${XZ_LEVEL}`, '--build', stage, outfile], { stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(stage, { recursive: true, force: true });
}

function chmodDirs(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirEntries(dir)) if (entry.isDirectory()) chmodDirs(join(dir, entry.name));
}

function treeBytes(dir) {
  let total = 0;
  for (const entry of readdirEntries(dir)) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(path) : statSync(path).size;
  }
  return total;
}

const readdirEntries = (dir) => readdirSync(dir, { withFileTypes: true });
