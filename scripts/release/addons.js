// Each target's keyring addon package, fetched from the npm registry with `npm pack` (the other
// platforms' packages are not in node_modules: npm installs only the host's optional dependency) and
// unpacked into a folder of its own that the build gets as --addons, so bun resolves that one package.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { addonPackage } from './targets.js';

/** Unpacks `target`'s addon at `version` under `cache` (tarballs are kept there) and returns the folder for NODE_PATH. */
export function fetchAddon(target, version, cache) {
  const name = addonPackage(target);
  const tarballs = join(cache, 'npm');
  mkdirSync(tarballs, { recursive: true });
  const tarball = join(tarballs, `${name.slice(1).replace('/', '-')}-${version}.tgz`);
  if (!existsSync(tarball)) {
    // Into a fresh folder first: an interrupted fetch never leaves a tarball that looks complete.
    const partial = mkdtempSync(join(tarballs, '.partial-'));
    try {
      execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', partial, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
      const [fetched] = readdirSync(partial);
      if (!fetched) throw new Error(`npm pack ${name}@${version} wrote nothing`);
      renameSync(join(partial, fetched), tarball);
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const folder = join(cache, 'addons', target.name);
  const packageDir = join(folder, name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(packageDir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1', '--no-same-owner']);
  const found = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  if (found.name !== name || found.version !== version) {
    throw new Error(`${tarball} holds ${found.name}@${found.version}, not ${name}@${version}: remove it and run again`);
  }
  return folder;
}
