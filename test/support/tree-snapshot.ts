/** Every file under a folder with its bytes and mode, to prove an operation changed nothing. */
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export function snapshotTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const mode = (lstatSync(path).mode & 0o7777).toString(8);
      if (entry.isDirectory()) {
        files[`${relative(root, path)}/`] = mode;
        walk(path);
      } else {
        files[relative(root, path)] = `${mode} ${readFileSync(path).toString('base64')}`;
      }
    }
  };
  walk(root);
  return files;
}

/** Regular files under `root` whose bytes contain `needle` (symlinks are not followed). */
export function filesContaining(root: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && readFileSync(path).includes(needle)) found.push(path);
    }
  };
  walk(root);
  return found;
}
