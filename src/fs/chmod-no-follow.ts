/**
 * chmod that never goes through a symbolic link and never changes a file other than the one looked at.
 * chmod(2) follows links and Linux has no lchmod, so: open the path with O_NOFOLLOW (a link as the last
 * part fails with ELOOP), compare the open file with what lstat saw (a folder on the way swapped for a
 * link leads to another file: another device or inode), and only then fchmod that file.
 *
 * Opening for reading needs the read right, which the owner of a mode 244 file or a 300 folder lacks
 * (root does not). On Linux such an entry is opened with O_PATH instead, which needs no right on it, and
 * changed through /proc/self/fd/N: that names the open file itself, never the path again.
 */
import { chmodSync, closeSync, constants, fchmodSync, fstatSync, openSync } from 'node:fs';
import { describeError } from '../errors.js';

/** O_PATH on Linux (x86, arm, riscv alike); node:fs does not export it. */
const LINUX_O_PATH = 0o10000000;

/** What lstat saw when the decision to chmod was taken. */
export interface SeenFile {
  dev: number;
  ino: number;
  uid: number;
  directory: boolean;
}

export type ChmodOutcome = { changed: true } | { changed: false; reason: string };

export function chmodNoFollow(path: string, mode: number, seen: SeenFile): ChmodOutcome {
  // O_NONBLOCK: a FIFO swapped in would otherwise block the open until a writer comes.
  const follow = constants.O_NOFOLLOW | (seen.directory ? constants.O_DIRECTORY : 0);
  let fd: number;
  let byPath = false;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | follow);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' && process.platform === 'linux') {
      try {
        fd = openSync(path, LINUX_O_PATH | follow);
        byPath = true;
      } catch (pathError) {
        return { changed: false, reason: openFailure(pathError) };
      }
    } else if (code === 'EACCES') {
      return { changed: false, reason: `its owner has no right to read it, so it cannot be opened to change its mode safely; run chmod ${mode.toString(8)} ${path}` };
    } else {
      return { changed: false, reason: openFailure(error) };
    }
  }
  try {
    const stat = fstatSync(fd);
    // With O_PATH, O_NOFOLLOW opens a link itself rather than failing.
    if (stat.isSymbolicLink()) return { changed: false, reason: 'it is a symbolic link now' };
    if (stat.dev !== seen.dev || stat.ino !== seen.ino) return { changed: false, reason: 'it was replaced since doctor looked at it' };
    if (stat.uid !== seen.uid) return { changed: false, reason: 'its owner changed since doctor looked at it' };
    if (byPath) chmodSync(`/proc/self/fd/${fd}`, mode);
    else fchmodSync(fd, mode);
    return { changed: true };
  } catch (error) {
    if (byPath) return { changed: false, reason: `its owner has no right to read it, and it could not be changed through /proc (${describeError(error)}); run chmod ${mode.toString(8)} ${path}` };
    return { changed: false, reason: describeError(error) };
  } finally {
    closeSync(fd);
  }
}

function openFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'it is a symbolic link now';
  if (code === 'ENOENT') return 'it is gone';
  if (code === 'ENOTDIR') return 'it is no longer a folder';
  return `it cannot be opened to change its mode (${describeError(error)})`;
}
