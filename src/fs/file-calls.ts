/**
 * The few file calls the protocol path makes (stdin, stdout, stat, reading a file), served by libc
 * through Bun.FFI in the single file on Linux and by node:fs everywhere else. Under bun, node:fs costs
 * about 6 ms to load, a quarter of the whole of a `list` (measurement: src/runtime/libc.ts); code that
 * `get`, `list` and `version` load must reach the file system only through here (or load node:fs lazily,
 * src/fs/node-modules.ts). Errors look like node:fs's (code, syscall, path): ./errno.ts.
 */
import { libcFiles } from '../runtime/libc.js';
import { libcFileCalls } from './libc-file-calls.js';
import { nodeFileCalls } from './node-file-calls.js';

/** What stat tells the callers here: identity, type, permissions, size and change times. */
export interface FileStat {
  dev: bigint;
  ino: bigint;
  /** Type and permission bits, as st_mode. */
  mode: number;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export interface FileCalls {
  /** Follows symbolic links; undefined when nothing is there (ENOENT); any other error throws. */
  stat(path: string): FileStat | undefined;
  fstat(fd: number): FileStat;
  /**
   * st_mode of an open descriptor alone, without fstat's BigInt fields: stdin's type judged through this
   * made a `get` miss of the single file 61 K instructions (0.9 %) cheaper (callgrind, 2026-12-02).
   */
  modeOf(fd: number): number;
  /**
   * Opens for reading: close-on-exec, O_NONBLOCK (the open of a FIFO returns at once instead of waiting
   * for a writer, and its reads answer EAGAIN or 0 instead of blocking) and O_NOCTTY.
   */
  openToRead(path: string): number;
  /** Reads at the file's position; 0 at its end. */
  read(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  /** Writes once (it may write less): the caller loops. */
  write(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  close(fd: number): void;
  /**
   * The whole file, as UTF-8 (invalid bytes become U+FFFD, a BOM is kept: as readFileSync(path, 'utf8')).
   * Only a regular file of at most `maxBytes`, judged on the open descriptor: anything else throws the
   * TsstoreError of ./regular-file.ts, naming the file (a FIFO would block `get` for ever, /dev/zero
   * would fill memory). `checkMode` sees the open file's st_mode before a byte is read, and may throw.
   * A missing file throws the ENOENT error; other failures their errno error.
   */
  readText(path: string, maxBytes: number, checkMode?: (mode: number) => void): string;
}

const S_IFMT = 0o170000;

export const isCharacterDevice = (mode: number): boolean => (mode & S_IFMT) === 0o020000;

let chosen: FileCalls | undefined;

export function fileCalls(): FileCalls {
  if (!chosen) {
    const libc = libcFiles();
    chosen = libc ? libcFileCalls(libc) : nodeFileCalls();
  }
  return chosen;
}
