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

/** struct statx (linux/stat.h): mode at 28, ino 32, size 40, ctime 96 and mtime 112 ({i64 sec, u32 nsec}), dev 136. */
export function parseStatx(bytes: Uint8Array): FileStat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, STATX_SIZE);
  const time = (at: number): bigint => view.getBigInt64(at, true) * 1_000_000_000n + BigInt(view.getUint32(at + 8, true));
  return {
    mode: view.getUint16(28, true),
    ino: view.getBigUint64(32, true),
    size: Number(view.getBigUint64(40, true)),
    ctimeNs: time(96),
    mtimeNs: time(112),
    dev: makedev(view.getUint32(136, true), view.getUint32(140, true)),
  };
}

export function libcFileCalls(libc: LibcFileSymbols): FileCalls {
  /** Runs a call until it is not interrupted: its result, or the errno of its failure as a negative number. */
  function attempt(call: () => number): number {
    for (;;) {
      const result = call();
      if (result !== -1) return result;
      const errno = libc.errno();
      if (errno !== EINTR) return -(errno || EIO); // -1 with errno 0 would read as success
    }
  }

  function retry(call: () => number, syscall: string, path?: string): number {
    const result = attempt(call);
    if (result < 0) throw errnoError(-result, syscall, path);
    return result;
  }

  /** statx into `buffer`: 0, or the negative errno (a miss is the common answer of `get`: no Error made for it). */
  function statx(dirfd: number, path: Uint8Array, flags: number, buffer: Uint8Array): number {
    return attempt(() => libc.statx(dirfd, path, flags, STATX_BASIC_STATS, buffer));
  }

  const empty = new Uint8Array(1);

  const calls: FileCalls = {
    stat(path) {
      const buffer = new Uint8Array(STATX_SIZE);
      const result = statx(AT_FDCWD, cPath(path), 0, buffer);
      if (result === -ENOENT) return undefined;
      if (result < 0) throw errnoError(-result, 'stat', path);
      return parseStatx(buffer);
    },
    fstat(fd) {
      const buffer = new Uint8Array(STATX_SIZE);
      const result = statx(fd, empty, AT_EMPTY_PATH, buffer);
      if (result < 0) throw errnoError(-result, 'fstat');
      return parseStatx(buffer);
    },
    openToRead: (path) => {
      const bytes = cPath(path);
      return retry(() => libc.open(bytes, O_RDONLY_CLOEXEC, 0), 'open', path);
    },
    read(fd, buffer, offset, length) {
      if (offset < 0 || length < 0 || offset + length > buffer.length) throw new RangeError('read outside the buffer');
      return retry(() => libc.read(fd, buffer.subarray(offset, offset + length), length), 'read');
    },
    write(fd, buffer, offset, length) {
      if (offset < 0 || length < 0 || offset + length > buffer.length) throw new RangeError('write outside the buffer');
      return retry(() => libc.write(fd, buffer.subarray(offset, offset + length), length), 'write');
    },
    close(fd) {
      // Not retried: Linux has closed the descriptor even when close reports EINTR.
      if (libc.close(fd) === -1) {
        const errno = libc.errno();
        if (errno !== EINTR) throw errnoError(errno, 'close');
      }
    },
    readText(path) {
      const fd = calls.openToRead(path);
      try {
        return calls.readTextOf(fd);
      } finally {
        calls.close(fd);
      }
    },
    readTextOf(fd) {
      // One read when the size is right; a file that grows meanwhile is read to its end all the same.
      let buffer = new Uint8Array(Math.max(calls.fstat(fd).size + 1, 4096));
      let length = 0;
      for (;;) {
        if (length === buffer.length) {
          const larger = new Uint8Array(buffer.length * 2);
          larger.set(buffer);
          buffer = larger;
        }
        const count = calls.read(fd, buffer, length, buffer.length - length);
        if (count === 0) break;
        length += count;
      }
      return decoder.decode(buffer.subarray(0, length));
    },
  };
  return calls;
}
