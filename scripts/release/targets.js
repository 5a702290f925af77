// The release's executables: bun's cross-compilation target, the @napi-rs/keyring addon package that
// @napi-rs/keyring's index.js loads on that platform (bun folds process.platform and process.arch for the
// target, so only that branch's require is bundled), and the Debian architecture where there is one.
//
// linux-x64, the plain file and the amd64 .deb (installed on any amd64 machine, with no CPU variant to
// choose), is built on bun's baseline runtime: bun builds it for x86-64 CPUs without AVX2 (it needs SSE4.2
// and POPCNT: Nehalem, 2008, or later), where bun-linux-x64 is meant for Haswell (2013) and later, so a
// file built on it may die with SIGILL before it prints anything on an older CPU or in a VM whose CPU
// model hides AVX2. One file, no second -baseline one, because baseline costs nothing: at bun 1.4.5 the
// packages @oven/bun-linux-x64 and @oven/bun-linux-x64-baseline hold the very same runtime (bin/bun sha256
// f05d28a3...), and the two single files differ only in what bun appends, as two builds of one target do.
// Measured on both (x64 / baseline, this machine): callgrind instructions, `version` 3.69 M / 3.69 M, a
// cached `list` of 1 5.88 M / 5.87 M, a pgp `get` hit 15.39 M / 15.40 M; page faults (perf stat, median
// of 11) 717 / 723, 873 / 882, 1390 / 1390, within what a rebuild moves (two x64 builds: 721, 728);
// baseline/x64 time, median of 41 alternating pairs, 1.00, 0.94, 0.98 (middle halves 0.80-1.13).
// test/release/linux-executables.test.ts runs the file under qemu-x86_64-static -cpu Nehalem. When bun
// is upgraded and the two runtimes differ, measure again: a much faster x64 would be a second file.
export const TARGETS = [
  { name: 'linux-x64', bun: 'bun-linux-x64-baseline', addon: 'linux-x64-gnu', file: 'docker-credential-tsstore-linux-x64', deb: 'amd64' },
  { name: 'linux-arm64', bun: 'bun-linux-arm64', addon: 'linux-arm64-gnu', file: 'docker-credential-tsstore-linux-arm64', deb: 'arm64' },
  { name: 'darwin-x64', bun: 'bun-darwin-x64', addon: 'darwin-x64', file: 'docker-credential-tsstore-darwin-x64' },
  { name: 'darwin-arm64', bun: 'bun-darwin-arm64', addon: 'darwin-arm64', file: 'docker-credential-tsstore-darwin-arm64' },
  { name: 'windows-x64', bun: 'bun-windows-x64', addon: 'win32-x64-msvc', file: 'docker-credential-tsstore-windows-x64.exe' },
];

/** The npm package name of a target's addon. */
export const addonPackage = (target) => `@napi-rs/keyring-${target.addon}`;

/** The files `npm run release` writes into dist/release/, in the order SHA256SUMS lists them. */
export function releaseFiles(version) {
  return [
    ...TARGETS.map((target) => target.file),
    ...TARGETS.filter((target) => target.deb).map((target) => debFileName(version, target.deb)),
    `tsstore-${version}.tgz`,
  ].sort();
}

export const debFileName = (version, arch) => `tsstore_${version}_${arch}.deb`;
