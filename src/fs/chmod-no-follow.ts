/**
 * chmod that never goes through a symbolic link and never changes a file other than the one looked at.
 * chmod(2) follows links and Linux has no lchmod, so: open the path with O_NOFOLLOW (a link as the last
 * part fails with ELOOP), compare the open file with what lstat saw (a folder on the way swapped for a
 * link leads to another file: another device or inode), and only then fchmod that file.
 */
import { closeSync, constants, fchmodSync, fstatSync, openSync } from 'node:fs';
import { describeError } from '../errors.js';

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
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | (seen.directory ? constants.O_DIRECTORY : 0);
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { changed: false, reason: 'it is a symbolic link now' };
    if (code === 'ENOENT') return { changed: false, reason: 'it is gone' };
    if (code === 'ENOTDIR') return { changed: false, reason: 'it is no longer a folder' };
    return { changed: false, reason: `it cannot be opened to change its mode (${describeError(error)})` };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.dev !== seen.dev || stat.ino !== seen.ino) return { changed: false, reason: 'it was replaced since doctor looked at it' };
    if (stat.uid !== seen.uid) return { changed: false, reason: 'its owner changed since doctor looked at it' };
    fchmodSync(fd, mode);
    return { changed: true };
  } catch (error) {
    return { changed: false, reason: describeError(error) };
  } finally {
    closeSync(fd);
  }
}
