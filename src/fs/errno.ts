/**
 * Errors of libc file calls in the shape node:fs gives them (`code`, `errno`, `syscall`, `path`, the
 * same message), so that every caller's `error.code === 'ENOENT'` and fileSystemError() read them alike
 * whichever of the two served the call. Linux numbers (the same on x86-64 and arm64).
 */
/** Built on the first error, not at load: `get` and `list` usually meet none. */
function knownErrors(): Record<number, readonly [code: string, description: string]> {
  return {
    1: ['EPERM', 'operation not permitted'],
    2: ['ENOENT', 'no such file or directory'],
    4: ['EINTR', 'interrupted system call'],
    5: ['EIO', 'i/o error'],
    6: ['ENXIO', 'no such device or address'],
    9: ['EBADF', 'bad file descriptor'],
    11: ['EAGAIN', 'resource temporarily unavailable'],
    12: ['ENOMEM', 'not enough memory'],
    13: ['EACCES', 'permission denied'],
    14: ['EFAULT', 'bad address in system call argument'],
    16: ['EBUSY', 'resource busy or locked'],
    17: ['EEXIST', 'file already exists'],
    19: ['ENODEV', 'no such device'],
    20: ['ENOTDIR', 'not a directory'],
    21: ['EISDIR', 'illegal operation on a directory'],
    22: ['EINVAL', 'invalid argument'],
    23: ['ENFILE', 'file table overflow'],
    24: ['EMFILE', 'too many open files'],
    26: ['ETXTBSY', 'text file is busy'],
    27: ['EFBIG', 'file too large'],
    28: ['ENOSPC', 'no space left on device'],
    29: ['ESPIPE', 'invalid seek'],
    30: ['EROFS', 'read-only file system'],
    32: ['EPIPE', 'broken pipe'],
    36: ['ENAMETOOLONG', 'name too long'],
    38: ['ENOSYS', 'function not implemented'],
    40: ['ELOOP', 'too many symbolic links encountered'],
    75: ['EOVERFLOW', 'value too large for defined data type'],
    88: ['ENOTSOCK', 'socket operation on non-socket'],
    91: ['EPROTOTYPE', 'protocol wrong type for socket'],
    95: ['ENOTSUP', 'operation not supported on socket'],
    104: ['ECONNRESET', 'connection reset by peer'],
    111: ['ECONNREFUSED', 'connection refused'],
    122: ['EDQUOT', 'disk quota exceeded'],
  };
}

export const ENOENT = 2;
export const EINTR = 4;
export const EIO = 5;
export const EAGAIN = 11;

export interface ErrnoError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
}

/** The code of `errno` (ENOENT, ...), or E and its number. */
export function errnoCode(errno: number): string {
  return knownErrors()[errno]?.[0] ?? `E${errno}`;
}

export function errnoError(errno: number, syscall: string, path?: string): ErrnoError {
  const [code, description] = knownErrors()[errno] ?? [`E${errno}`, `error ${errno}`];
  const where = path === undefined ? syscall : `${syscall} '${path}'`;
  const error = new Error(`${code}: ${description}, ${where}`) as ErrnoError;
  error.code = code;
  error.errno = -errno; // node's (libuv's) sign
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  return error;
}
