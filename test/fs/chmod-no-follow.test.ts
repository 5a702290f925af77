/** chmod by file descriptor: a link, or a file swapped in since lstat, is never changed. */
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SeenFile, chmodNoFollow } from '../../src/fs/chmod-no-follow.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-chmod-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const seen = (path: string): SeenFile => {
  const stat = lstatSync(path);
  return { dev: stat.dev, ino: stat.ino, uid: stat.uid, directory: stat.isDirectory() };
};
const modeOf = (path: string) => statSync(path).mode & 0o777;
const file = (name: string, mode = 0o644) => {
  const path = join(dir, name);
  writeFileSync(path, name);
  chmodSync(path, mode);
  return path;
};

describe('chmodNoFollow', () => {
  it('changes the file and the folder lstat saw', () => {
    const path = file('a');
    expect(chmodNoFollow(path, 0o600, seen(path))).toEqual({ changed: true });
    expect(modeOf(path)).toBe(0o600);
    const folder = join(dir, 'f');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    expect(chmodNoFollow(folder, 0o700, seen(folder))).toEqual({ changed: true });
    expect(modeOf(folder)).toBe(0o700);
  });

  it('a file swapped for a link since lstat: the link target keeps its mode', () => {
    const path = file('a');
    const outside = file('outside');
    const before = seen(path);
    unlinkSync(path);
    symlinkSync(outside, path);
    expect(chmodNoFollow(path, 0o600, before)).toEqual({ changed: false, reason: 'it is a symbolic link now' });
    expect(modeOf(outside)).toBe(0o644);
  });

  it('a folder on the way swapped for a link since lstat: the file it leads to keeps its mode', () => {
    mkdirSync(join(dir, 'store'));
    const path = join(dir, 'store', 'x');
    writeFileSync(path, 'x');
    chmodSync(path, 0o644);
    const before = seen(path);
    mkdirSync(join(dir, 'elsewhere'));
    const outside = join(dir, 'elsewhere', 'x');
    writeFileSync(outside, 'not ours to change');
    chmodSync(outside, 0o644);
    renameSync(join(dir, 'store'), join(dir, 'store.old'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'store'));
    expect(chmodNoFollow(path, 0o600, before)).toEqual({ changed: false, reason: 'it was replaced since doctor looked at it' });
    expect(modeOf(outside)).toBe(0o644);
  });

  it('another file renamed over it, a folder swapped for a file, a file gone: nothing changed', () => {
    const path = file('a');
    const before = seen(path);
    renameSync(file('b'), path);
    expect(chmodNoFollow(path, 0o600, before)).toEqual({ changed: false, reason: 'it was replaced since doctor looked at it' });
    expect(modeOf(path)).toBe(0o644);

    const folder = join(dir, 'f');
    mkdirSync(folder);
    const folderSeen = seen(folder);
    rmSync(folder, { recursive: true });
    writeFileSync(folder, '');
    expect(chmodNoFollow(folder, 0o700, folderSeen)).toEqual({ changed: false, reason: 'it is no longer a folder' });
    rmSync(folder);
    expect(chmodNoFollow(folder, 0o700, folderSeen)).toEqual({ changed: false, reason: 'it is gone' });
  });
});

const isRoot = process.getuid?.() === 0 && typeof process.seteuid === 'function';
const NOBODY = 65534;

/** Runs `body` with the effective uid of nobody (open(2) then checks nobody's rights, as for a user). */
function asNobody<T>(body: () => T): T {
  (process.seteuid as (id: number) => void)(NOBODY);
  try {
    return body();
  } finally {
    (process.seteuid as (id: number) => void)(0);
  }
}

describe.skipIf(!isRoot)('chmodNoFollow, run by the owner (not root), on entries the owner cannot read', () => {
  // Root may open anything; the owner may not open a file without its read right, but may chmod it.
  it.each(['244', '044', '000', '200'])('a file of mode %s becomes 600', (octalMode) => {
    chownSync(dir, NOBODY, NOBODY);
    const path = file('unreadable', Number.parseInt(octalMode, 8));
    chownSync(path, NOBODY, NOBODY);
    const before = seen(path);
    expect(asNobody(() => chmodNoFollow(path, 0o600, before))).toEqual({ changed: true });
    expect(modeOf(path)).toBe(0o600);
  });

  it('a folder of mode 300 (no read right) becomes 700', () => {
    chownSync(dir, NOBODY, NOBODY);
    const folder = join(dir, 'f');
    mkdirSync(folder);
    chmodSync(folder, 0o300);
    chownSync(folder, NOBODY, NOBODY);
    expect(asNobody(() => chmodNoFollow(folder, 0o700, seen(folder)))).toEqual({ changed: true });
    expect(modeOf(folder)).toBe(0o700);
  });

  it('an unreadable file swapped for a link since lstat: still never followed', () => {
    chownSync(dir, NOBODY, NOBODY);
    const path = file('a', 0o244);
    chownSync(path, NOBODY, NOBODY);
    const outside = file('outside', 0o244);
    chownSync(outside, NOBODY, NOBODY);
    const before = seen(path);
    unlinkSync(path);
    symlinkSync(outside, path);
    expect(asNobody(() => chmodNoFollow(path, 0o600, before))).toEqual({ changed: false, reason: 'it is a symbolic link now' });
    expect(modeOf(outside)).toBe(0o244);
  });
});
