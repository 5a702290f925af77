/** What the issue asks `npm run release` for, written down independently of scripts/release/targets.js. */
import type { ExecutableFormat } from './executable-format.js';

export interface ReleaseTarget {
  file: string;
  format: ExecutableFormat;
  /** The @napi-rs/keyring-* package of that platform, and its addon's file name. */
  addonPackage: string;
  addonFile: string;
}

export const TARGETS: readonly ReleaseTarget[] = [
  { file: 'docker-credential-tsstore-linux-x64', format: 'ELF x86-64', addonPackage: '@napi-rs/keyring-linux-x64-gnu', addonFile: 'keyring.linux-x64-gnu.node' },
  { file: 'docker-credential-tsstore-linux-arm64', format: 'ELF aarch64', addonPackage: '@napi-rs/keyring-linux-arm64-gnu', addonFile: 'keyring.linux-arm64-gnu.node' },
  { file: 'docker-credential-tsstore-darwin-x64', format: 'Mach-O x86-64', addonPackage: '@napi-rs/keyring-darwin-x64', addonFile: 'keyring.darwin-x64.node' },
  { file: 'docker-credential-tsstore-darwin-arm64', format: 'Mach-O arm64', addonPackage: '@napi-rs/keyring-darwin-arm64', addonFile: 'keyring.darwin-arm64.node' },
  { file: 'docker-credential-tsstore-windows-x64.exe', format: 'PE32+ x86-64', addonPackage: '@napi-rs/keyring-win32-x64-msvc', addonFile: 'keyring.win32-x64-msvc.node' },
];

export const npmPackageFile = (version: string): string => `tsstore-${version}.tgz`;
export const debFile = (version: string, arch: 'amd64' | 'arm64'): string => `tsstore_${version}_${arch}.deb`;

export function expectedReleaseFiles(version: string): string[] {
  return [...TARGETS.map((target) => target.file), npmPackageFile(version), debFile(version, 'amd64'), debFile(version, 'arm64'), 'SHA256SUMS'].sort();
}
