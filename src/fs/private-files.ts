/**
 * Files only their owner can read, written so that a crash leaves the old or the new content, never a
 * mix: write a temporary file with mode 0600, fsync it, then rename it over the target.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  chmodSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileSystemError } from '../errors.js';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `path` and missing parents as 0700 whatever the umask; folders that exist are left alone. */
export function ensurePrivateDir(path: string): void {
  let created: string | undefined;
  try {
    created = mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (error) {
    throw fileSystemError('create the folder', path, error);
  }
  if (created === undefined) return;
  // mkdir applies the umask; fix every folder we made, from the first one created down to `path`.
  for (let dir = path; ; dir = dirname(dir)) {
    chmodSync(dir, PRIVATE_DIR_MODE);
    if (dir === created || dir === dirname(dir)) break;
  }
}

/** A name no other process will pick: pid for cleanup of leftovers, random bytes for uniqueness. */
export function temporaryName(prefix: string): string {
  return `${prefix}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Writes a complete private file at `temporaryPath`; the caller renames or links it into place. */
function writePrivateFile(temporaryPath: string, data: string | Uint8Array, mode: number): void {
  let fd: number | undefined;
  try {
    fd = openSync(temporaryPath, 'wx', mode);
    fchmodSync(fd, mode); // the umask may have removed bits we want, never added any
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temporaryPath);
    throw fileSystemError('write', temporaryPath, error);
  }
  closeSync(fd);
}

export interface AtomicWriteOptions {
  /** Folder for the temporary file; must be on the same file system as `path`. Default: next to it. */
  temporaryDir?: string;
  mode?: number;
}

/** Replaces `path` atomically with `data`. */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const temporaryPath = join(options.temporaryDir ?? dirname(path), temporaryName(`.${basename(path).slice(0, 40)}`));
  writePrivateFile(temporaryPath, data, options.mode ?? PRIVATE_FILE_MODE);
  try {
    renameSync(temporaryPath, path);
  } catch (error) {
    removeQuietly(temporaryPath);
    throw fileSystemError('replace', path, error);
  }
}

/**
 * Creates `path` with `data` only if it does not exist yet, atomically (link(2) fails on an existing
 * target). Returns false when another process was first; its file is left as it is.
 */
export function createFileExclusive(path: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): boolean {
  const temporaryPath = join(dirname(path), temporaryName(`.${basename(path).slice(0, 40)}`));
  writePrivateFile(temporaryPath, data, mode);
  try {
    linkSync(temporaryPath, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileSystemError('create', path, error);
  } finally {
    removeQuietly(temporaryPath);
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone, or nothing we can do about it here
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // closing after a failed write; the write's error is the one to report
  }
}
