/**
 * What is in tsstore's folders, as lstat sees it: a symbolic link is an entry of its own and is never
 * followed (a link to `.` would otherwise send the walk down a/a/a/... and a link to a file elsewhere
 * would get that file chmodded). The walk is bounded in depth and in entries, and says where it stopped.
 */
import { type Stats, lstatSync, opendirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'socket' | 'other';

export interface FileEntry {
  path: string;
  kind: EntryKind;
  /** Permission bits only. */
  mode: number;
  uid: number;
  dev: number;
  ino: number;
  /** A symbolic link's target, as written in the link. */
  linkTarget?: string;
  /** Only the owner is judged: a folder the person chose (TSSTORE_HOME, the XDG folders). */
  ownerOnly?: boolean;
  /** The symbolic link this file was reached through (config.json kept by a dotfile manager). */
  via?: string;
}

export interface NotLooked {
  path: string;
  why: string;
}

export interface Inspection {
  entries: FileEntry[];
  /** Where the walk did not go: too deep, too many entries, unreadable. */
  notLooked: NotLooked[];
}

export interface WalkLimits {
  /** Folders below a walk's root that are still looked into (tsstore's own layout is 2 deep). */
  maxDepth: number;
  /** Entries per walk (a store of 10,000 logins has about 10,000). */
  maxEntries: number;
}

export const WALK_LIMITS: WalkLimits = { maxDepth: 8, maxEntries: 100_000 };

function kindOf(stat: Stats): EntryKind {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'directory';
  if (stat.isFile()) return 'file';
  if (stat.isSocket()) return 'socket';
  return 'other';
}

function entryOf(path: string, stat: Stats): FileEntry {
  const entry: FileEntry = { path, kind: kindOf(stat), mode: stat.mode & 0o777, uid: stat.uid, dev: stat.dev, ino: stat.ino };
  if (entry.kind === 'symlink') {
    try {
      entry.linkTarget = readlinkSync(path);
    } catch {
      entry.linkTarget = '(unreadable)';
    }
  }
  return entry;
}

const reasonOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** The entry at `path` without following a link; undefined when nothing is there. */
function look(path: string, into: Inspection): FileEntry | undefined {
  try {
    return entryOf(path, lstatSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') into.notLooked.push({ path, why: `cannot be looked at (${reasonOf(error)})` });
    return undefined;
  }
}

/** One file or link, not followed (settings.json). */
export function lookAt(path: string, into: Inspection): void {
  const entry = look(path, into);
  if (entry) into.entries.push(entry);
}

/** A folder the person chose, followed if it is a link: only its owner is judged. */
export function lookAtChosenFolder(path: string, into: Inspection): void {
  try {
    into.entries.push({ ...entryOf(path, statSync(path)), ownerOnly: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') into.notLooked.push({ path, why: `cannot be looked at (${reasonOf(error)})` });
  }
}

/** config.json: a link is followed once, to the real file, which is what docker writes through it. */
export function lookAtThroughLink(path: string, into: Inspection): void {
  const entry = look(path, into);
  if (!entry || entry.kind !== 'symlink') {
    if (entry) into.entries.push(entry);
    return;
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    // Dangling: nothing to protect yet. Anything else (a loop, a folder on the way closed) hides a file.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') into.notLooked.push({ path, why: `the link cannot be followed to the file docker writes (${reasonOf(error)})` });
    return;
  }
  const target = look(real, into);
  if (target) into.entries.push({ ...target, via: path });
}

/** Up to `cap` names in a folder (a folder of millions is not read whole). */
function listNames(path: string, cap: number): string[] {
  const dir = opendirSync(path);
  try {
    const names: string[] = [];
    while (names.length < cap) {
      const dirent = dir.readSync();
      if (dirent === null) break;
      names.push(dirent.name);
    }
    return names;
  } finally {
    dir.closeSync();
  }
}

/** Every entry under `root` (root included), parents before their children, in name order. */
export function walk(root: string, into: Inspection, limits: WalkLimits = WALK_LIMITS): void {
  const pending: Array<{ path: string; depth: number }> = [{ path: root, depth: 0 }];
  let seen = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen === limits.maxEntries) {
      into.notLooked.push({ path: root, why: `doctor stopped after ${limits.maxEntries} entries in it; tsstore's own folders hold far fewer` });
      return;
    }
    const entry = look(next.path, into);
    if (!entry) continue;
    seen++;
    into.entries.push(entry);
    if (entry.kind !== 'directory') continue;
    if (next.depth === limits.maxDepth) {
      into.notLooked.push({ path: next.path, why: `not looked into: deeper than ${limits.maxDepth} folders, which tsstore never makes` });
      continue;
    }
    let names: string[];
    try {
      names = listNames(next.path, limits.maxEntries - seen - pending.length + 1);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone or replaced since lstat: nothing of ours to look into.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') into.notLooked.push({ path: next.path, why: `cannot be read (${reasonOf(error)})` });
      continue;
    }
    // Listing a folder follows a link: one swapped in after lstat must not lead the walk elsewhere.
    const again = look(next.path, { entries: [], notLooked: [] });
    if (!again || again.kind !== 'directory' || again.dev !== entry.dev || again.ino !== entry.ino) {
      into.notLooked.push({ path: next.path, why: 'changed while doctor looked into it; run doctor again' });
      continue;
    }
    names.sort();
    for (let index = names.length - 1; index >= 0; index--) pending.push({ path: join(next.path, names[index] as string), depth: next.depth + 1 });
  }
}
