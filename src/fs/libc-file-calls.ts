/**
 * FileCalls served by libc through Bun.FFI (src/runtime/libc.ts): open, read, write, close and statx,
 * which has one layout on every Linux architecture (struct stat has not). Interrupted calls are retried.
 */
import type { LibcFileSymbols } from '../runtime/libc.js';
import { EINTR, EIO, ENOENT, errnoError } from './errno.js';
import type { FileCalls, FileStat } from './file-calls.js';

const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const STATX_BASIC_STATS = 0x7ff;
const O_RDONLY_CLOEXEC = 0o2000000;
const STATX_SIZE = 256;

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

  openToRead(path: string): number {
    const bytes = cPath(path);
    for (;;) {
      const fd = this.libc.open(bytes, O_RDONLY_CLOEXEC, 0);
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

  readText(path: string): string {
    const fd = this.openToRead(path);
    try {
      return this.readTextOf(fd);
    } finally {
      this.close(fd);
    }
  }

  readTextOf(fd: number): string {
    // Settings and a small list cache fit the first buffer; a larger file is measured once, and one
    // that grows meanwhile is still read to its end.
    let buffer = new Uint8Array(8192);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const larger = new Uint8Array(Math.max(buffer.length * 2, this.fstat(fd).size + 1));
        larger.set(buffer);
        buffer = larger;
      }
      const count = this.read(fd, buffer, length, buffer.length - length);
      if (count === 0) break;
      length += count;
    }
    return decoder.decode(buffer.subarray(0, length));
  }
}

export function libcFileCalls(libc: LibcFileSymbols): FileCalls {
  return new LibcFileCalls(libc);
}
