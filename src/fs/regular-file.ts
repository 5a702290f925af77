/**
 * What a read of a file (a person's or our own) refuses before it reads a byte: anything but a regular
 * file, and a file over the reader's cap. A FIFO blocks the open, or the read, for ever (docker waits on
 * us with no timeout); /dev/zero or /dev/urandom never end; a file of gigabytes where a configuration was
 * expected would be read into memory whole. Pure: the readers (./read-regular-file.ts under node:fs,
 * ./libc-file-calls.ts in the single file) make the calls and throw these errors.
 */
import { TsstoreError } from '../errors.js';
import { terminalSafe } from '../text/safe-text.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

export const isRegularFileMode = (mode: number): boolean => (mode & S_IFMT) === S_IFREG;
export const isFolderMode = (mode: number): boolean => (mode & S_IFMT) === 0o040000;

/** What the type bits of a stat mode name, with its article, as a person would say it. */
export function fileTypeOf(mode: number): string {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return 'a regular file';
    case 0o040000:
      return 'a folder';
    case 0o010000:
      return 'a FIFO (named pipe)';
    case 0o020000:
      return 'a character device';
    case 0o060000:
      return 'a block device';
    case 0o140000:
      return 'a socket';
    case 0o120000:
      return 'a symbolic link';
    default:
      return 'a file of unknown type';
  }
}

/** 1 MiB, 64 KiB or 1234 bytes: caps are round, sizes are not. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The reason alone, for readers that report it in their own words (doctor's findings). */
export function notRegularReason(mode: number): string {
  return `it is ${fileTypeOf(mode)}, not a regular file`;
}

/** `size` undefined: a file that says it is empty (procfs) and was read past the cap. */
export function tooLargeReason(size: number | undefined, maxBytes: number): string {
  const holds = size === undefined ? 'it holds more' : `it holds ${formatBytes(size)}, more`;
  return `${holds} than the ${formatBytes(maxBytes)} such a file may hold`;
}

/** One line naming the file (control characters shown escaped, so the line stays one line). */
export function notRegularFileError(path: string, mode: number): TsstoreError {
  return new TsstoreError('io', `cannot read ${terminalSafe(path)}: ${notRegularReason(mode)}`);
}

export function tooLargeFileError(path: string, size: number | undefined, maxBytes: number): TsstoreError {
  return new TsstoreError('io', `cannot read ${terminalSafe(path)}: ${tooLargeReason(size, maxBytes)}`);
}
