// The release's executables: bun's cross-compilation target, the @napi-rs/keyring addon package that
// @napi-rs/keyring's index.js loads on that platform (bun folds process.platform and process.arch for the
// target, so only that branch's require is bundled), and the Debian architecture where there is one.
export const TARGETS = [
  { name: 'linux-x64', bun: 'bun-linux-x64', addon: 'linux-x64-gnu', file: 'docker-credential-tsstore-linux-x64', deb: 'amd64' },
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
