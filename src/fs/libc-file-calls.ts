/**
 * FileCalls served by libc through Bun.FFI (src/runtime/libc.ts): open, read, write, close and statx,
 * which has one layout on every Linux architecture (struct stat has not). Interrupted calls are retried.
 */
import type { LibcFileSymbols } from '../runtime/libc.js';
import { EINTR, EIO, ENOENT, errnoError } from './errno.js';
import type { FileCalls, FileStat } from './file-calls.js';
import { notRegularFileError, tooLargeFileError } from './regular-file.js';

const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const STATX_BASIC_STATS = 0x7ff;
// O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY (the same numbers on x86-64 and arm64): see FileCalls.openToRead.
const O_READ_FLAGS = 0o2000000 | 0o4000 | 0o400;
const STATX_SIZE = 256;
// st_mode's type bits, and a regular file's type (inline: one function less to compile in the single file).
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

const encoder = new TextEncoder();
// Not Buffer's toString: see src/protocol/stdio.ts. A BOM is kept, as readFileSync(path, 'utf8') keeps it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The path as C wants it. A NUL inside would name another file: refused, as node:fs refuses it. */
function cPath(path: string): Uint8Array {
  if (path.includes('\0')) {
    throw Object.assign(new TypeError(`The argument 'path' must be a string without null bytes. Received '${path.replaceAll('\0', '\\0').slice(0, 200)}'`), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  return encoder.encode(`${path}\0`);
}

/** st_dev as glibc's makedev() and node:fs compose it, so list-cache stamps agree across both. */
function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major >>> 0);
  const mi = BigInt(minor >>> 0);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

/** A statx timestamp ({i64 sec, u32 nsec}) in nanoseconds. */
function statxTime(view: DataView, at: number): bigint {
  return view.getBigInt64(at, true) * 1_000_000_000n + BigInt(view.getUint32(at + 8, true));
}

/** struct statx (linux/stat.h): mode at 28, ino 32, size 40, ctime 96 and mtime 112, dev 136. */
export function parseStatx(bytes: Uint8Array): FileStat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, STATX_SIZE);
  return {
    mode: view.getUint16(28, true),
    ino: view.getBigUint64(32, true),
    size: Number(view.getBigUint64(40, true)),
    ctimeNs: statxTime(view, 96),
    mtimeNs: statxTime(view, 112),
    dev: makedev(view.getUint32(136, true), view.getUint32(140, true)),
  };
}

const NO_PATH = new Uint8Array(1);

/**
 * Written as plain methods with their retry loops inline, not as small closures: in the single file each
 * function costs about 9 K instructions (plus its bytecode's size) the first time it runs, and a `get`
 * runs these once. Interrupted calls (EINTR) are made again; -1 with errno 0 counts as EIO.
 */
class LibcFileCalls implements FileCalls {
  /** One statx buffer: parseStatx copies what it reads. */
  private readonly statBuffer = new Uint8Array(STATX_SIZE);
  /** readText reads the mode and size from here, without parseStatx's BigInts. */
  private readonly statView = new DataView(this.statBuffer.buffer);

  constructor(private readonly libc: LibcFileSymbols) {}

  /** The errno of the call that just answered -1; 0 when it was interrupted and is to be made again. */
  private failure(): number {
    const errno = this.libc.errno();
    return errno === EINTR ? 0 : errno || EIO;
  }

  stat(path: string): FileStat | undefined {
    const bytes = cPath(path);
    for (;;) {
      if (this.libc.statx(AT_FDCWD, bytes, 0, STATX_BASIC_STATS, this.statBuffer) === 0) return parseStatx(this.statBuffer);
      const errno = this.failure();
      // A miss is the common answer of `get`: no Error is made for it.
      if (errno === ENOENT) return undefined;
      if (errno !== 0) throw errnoError(errno, 'stat', path);
    }
  }

  fstat(fd: number): FileStat {
    for (;;) {
      if (this.libc.statx(fd, NO_PATH, AT_EMPTY_PATH, STATX_BASIC_STATS, this.statBuffer) === 0) return parseStatx(this.statBuffer);
      const errno = this.failure();
      if (errno !== 0) throw errnoError(errno, 'fstat');
    }
  }

  modeOf(fd: number): number {
    for (;;) {
      if (this.libc.statx(fd, NO_PATH, AT_EMPTY_PATH, STATX_BASIC_STATS, this.statBuffer) === 0) return this.statView.getUint16(28, true);
      const errno = this.failure();
      if (errno !== 0) throw errnoError(errno, 'fstat');
    }
  }

  openToRead(path: string): number {
    const bytes = cPath(path);
    for (;;) {
      const fd = this.libc.open(bytes, O_READ_FLAGS, 0);
      if (fd !== -1) return fd;
      const errno = this.failure();
      if (errno !== 0) throw errnoError(errno, 'open', path);
    }
  }

  read(fd: number, buffer: Uint8Array, offset: number, length: number): number {
    return this.transfer('read', fd, buffer, offset, length);
  }

  write(fd: number, buffer: Uint8Array, offset: number, length: number): number {
    return this.transfer('write', fd, buffer, offset, length);
  }

  /** One read or write of `length` bytes at `offset` of `buffer`, made again when interrupted. */
  private transfer(call: 'read' | 'write', fd: number, buffer: Uint8Array, offset: number, length: number): number {
    if (offset < 0 || length < 0 || offset + length > buffer.length) throw new RangeError(`${call} outside the buffer`);
    const bytes = offset === 0 ? buffer : buffer.subarray(offset);
    for (;;) {
      const count = call === 'read' ? this.libc.read(fd, bytes, length) : this.libc.write(fd, bytes, length);
      if (count !== -1) return count;
      const errno = this.failure();
      if (errno !== 0) throw errnoError(errno, call);
    }
  }

  close(fd: number): void {
    // Not made again: Linux has closed the descriptor even when close reports EINTR.
    if (this.libc.close(fd) === -1) {
      const errno = this.failure();
      if (errno !== 0) throw errnoError(errno, 'close');
    }
  }

  /**
   * open(2) answers ENXIO for a UNIX socket ("no such device or address"): said as what it is, like a
   * FIFO or a folder, when a stat of the path shows it is not a regular file. Other errors stay as they are.
   */
  private openRefusal(path: string, error: unknown): unknown {
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO') return error;
    const stat = this.stat(path);
    return stat && (stat.mode & S_IFMT) !== S_IFREG ? notRegularFileError(path, stat.mode) : error;
  }

  /**
   * One method, its statx and read loops inline (see the class's comment): a cached `list` runs it twice,
   * a `get` miss once. The statx that judges the type and size replaces the last read (the one that
   * answers 0): a file with a size is read to that size, as readFileSync does. Callgrind on the single
   * file (2026-12-02): a cached `list` costs 13 K instructions (0.2 %) more than with the unchecked
   * readText; written as three small methods, 34 K. One that grows meanwhile is
   * not followed past it, so the cap holds (ours are replaced by rename, never grown); a size of 0
   * (procfs) is read to its end, but never past the cap.
   */
  readText(path: string, maxBytes: number, checkMode?: (mode: number) => void): string {
    let fd: number;
    try {
      fd = this.openToRead(path);
    } catch (error) {
      throw this.openRefusal(path, error);
    }
    try {
      while (this.libc.statx(fd, NO_PATH, AT_EMPTY_PATH, STATX_BASIC_STATS, this.statBuffer) !== 0) {
        const errno = this.failure();
        if (errno !== 0) throw errnoError(errno, 'fstat', path);
      }
      const mode = this.statView.getUint16(28, true);
      if ((mode & S_IFMT) !== S_IFREG) throw notRegularFileError(path, mode);
      // stx_size, a u64, as two halves: no BigInt for a number that fits a double.
      const size = this.statView.getUint32(40, true) + this.statView.getUint32(44, true) * 2 ** 32;
      if (size > maxBytes) throw tooLargeFileError(path, size, maxBytes);
      if (checkMode) checkMode(mode);
      let buffer = new Uint8Array(size > 0 ? size : Math.min(8192, maxBytes + 1));
      let length = 0;
      for (;;) {
        if (length === buffer.length) {
          if (size > 0) break;
          if (length > maxBytes) throw tooLargeFileError(path, undefined, maxBytes);
          const larger = new Uint8Array(Math.min(length * 2, maxBytes + 1));
          larger.set(buffer);
          buffer = larger;
        }
        const count = this.read(fd, buffer, length, buffer.length - length);
        if (count === 0) break;
        length += count;
      }
      return decoder.decode(length === buffer.length ? buffer : buffer.subarray(0, length));
    } finally {
      this.close(fd);
    }
  }
}

export function libcFileCalls(libc: LibcFileSymbols): FileCalls {
  return new LibcFileCalls(libc);
}
