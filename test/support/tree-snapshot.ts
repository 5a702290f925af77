/** Snapshots of a folder's entries, to prove an operation changed nothing, and what differs between two. */
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every entry under a folder with its mode and a file's bytes, to prove an operation changed nothing.
 * A symbolic link is recorded as a link, by its target's text, never followed: a test HOME's bin/ links
 * to docker and to the 113 MB single file, which would otherwise be read in full at every snapshot (and a
 * link to a folder or to nothing would throw). A link's target inside `root` is snapshotted where it is;
 * one outside is not, so a test that must prove such a file unchanged snapshots that file itself.
 */
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
      if (entry.isSymbolicLink()) {
        files[relative(root, path)] = `link -> ${readlinkSync(path)}`;
        continue;
      }
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

/**
 * Every entry under `root` (root itself included, as "."), never following a link: its type, mode and
 * modification time, and a file's bytes or a link's target. A folder's mtime moves whenever an entry
 * is created or removed in it, so even a temporary file made and deleted again shows.
 */
export function snapshotEntries(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (path: string): void => {
    const stats = lstatSync(path, { bigint: true });
    const mode = (Number(stats.mode) & 0o7777).toString(8);
    const name = relative(root, path) || '.';
    const stamp = `${mode} mtime=${stats.mtimeNs}`;
    if (stats.isSymbolicLink()) {
      entries[name] = `link ${stamp} -> ${readlinkSync(path)}`;
    } else if (stats.isDirectory()) {
      entries[`${name}/`] = `dir ${stamp}`;
      for (const child of readdirSync(path).sort()) walk(join(path, child));
    } else if (stats.isFile()) {
      entries[name] = `file ${stamp} ${readFileSync(path).toString('base64')}`;
    } else {
      entries[name] = `other ${stamp}`; // a socket or a FIFO
    }
  };
  walk(root);
  return entries;
}

/** What differs between two snapshots, one line per entry: `+ added`, `- removed`, `~ changed`. */
export function snapshotChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.flatMap((name) => {
    if (!(name in before)) return [`+ ${name}`];
    if (!(name in after)) return [`- ${name}`];
    return before[name] === after[name] ? [] : [`~ ${name}`];
  });
}
