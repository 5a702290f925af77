/**
 * The one bounded read of a file by node:fs: opened O_RDONLY|O_NONBLOCK|O_NOCTTY (and close-on-exec, as
 * node opens every file), judged on the open descriptor's own fstat (a FIFO swapped in after a stat of the
 * path would still be caught), refused unless it is a regular file within the cap, read, closed.
 * O_NONBLOCK lets the open of a FIFO return at once instead of waiting for a writer; O_NOCTTY keeps a
 * terminal named there from becoming ours. Symbolic links are followed, as every reader of these files
 * (docker, dockerd, podman) follows them. node:fs is loaded when first used (./node-modules.ts): this
 * module is on the protocol path under Node.js.
 */
import type { Stats } from 'node:fs';
import { type TsstoreError, fileSystemError } from '../errors.js';
import { terminalSafe } from '../text/safe-text.js';
import { nodeFs } from './node-modules.js';
import { isRegularFileMode, notRegularFileError, tooLargeFileError } from './regular-file.js';

export type RegularFileRead =
  | { kind: 'read'; bytes: Buffer }
  /** ENOENT: nothing there, or a symbolic link to nothing. `error`: node's, for callers that rethrow it. */
  | { kind: 'missing'; error: unknown }
  /** `mode`: the stat mode, whose type bits say what it is (./regular-file.ts fileTypeOf). */
  | { kind: 'not-regular'; mode: number }
  /** `size` undefined: a file whose stat said 0 (procfs) was read past the cap. */
  | { kind: 'too-large'; size: number | undefined; maxBytes: number }
  /** `code`: Node's errno code (EACCES, ELOOP, ENXIO, EIO...). */
  | { kind: 'unreadable'; code: string; error: unknown };

export interface RegularFileOptions {
  /** The cap: a larger file is refused unread. Each caller says in a comment why its cap fits. */
  maxBytes: number;
  /** Runs on the open file's stat before a byte is read (a permission check); what it throws goes out. */
  inspect?: (stat: Stats) => void;
  /**
   * A pipe is read too (still within the cap): only for a path a person typed on the command line, such
   * as `init --recipient <(gpg --armor --export KEY)`, where waiting for the writer is what they asked for.
   * Never for a file tsstore finds by itself.
   */
  pipeNamedByPerson?: boolean;
}

const S_IFIFO = 0o010000;

/** The file's bytes, or why not. Throws only what `inspect` throws. */
export function readRegularFile(path: string, options: RegularFileOptions): RegularFileRead {
  const fs = nodeFs();
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (fs.constants.O_NOCTTY ?? 0));
  } catch (error) {
    return openFailed(path, error);
  }
  try {
    let stat: Stats;
    try {
      stat = fs.fstatSync(fd);
    } catch (error) {
      return failed(error);
    }
    if (options.pipeNamedByPerson && (stat.mode & 0o170000) === S_IFIFO) return readPipe(path, options.maxBytes);
    if (!isRegularFileMode(stat.mode)) return { kind: 'not-regular', mode: stat.mode };
    if (stat.size > options.maxBytes) return { kind: 'too-large', size: stat.size, maxBytes: options.maxBytes };
    options.inspect?.(stat);
    try {
      return readOpenFile(fd, stat.size, options.maxBytes);
    } catch (error) {
      return failed(error);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * open(2) answers ENXIO for a UNIX socket ("no such device or address"): said as what it is, like a FIFO
 * or a folder, when a stat of the path shows it is not a regular file.
 */
function openFailed(path: string, error: unknown): RegularFileRead {
  if ((error as NodeJS.ErrnoException).code === 'ENXIO') {
    const stat = nodeFs().statSync(path, { throwIfNoEntry: false });
    if (stat && !isRegularFileMode(stat.mode)) return { kind: 'not-regular', mode: stat.mode };
  }
  return failed(error);
}

/**
 * As readFileSync: a file with a size is read to that size (one that grows meanwhile is not followed past
 * it, so the cap holds); a size of 0 (procfs, sysfs) is read to its end, but never past the cap.
 */
function readOpenFile(fd: number, size: number, maxBytes: number): RegularFileRead {
  const fs = nodeFs();
  const sized = size > 0;
  let buffer = Buffer.allocUnsafe(sized ? size : Math.min(8192, maxBytes + 1));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (sized) break;
      if (length > maxBytes) return { kind: 'too-large', size: undefined, maxBytes };
      const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
    }
    const count = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (count === 0) break;
    length += count;
  }
  return { kind: 'read', bytes: buffer.subarray(0, length) };
}

/** A pipe, opened again without O_NONBLOCK (node cannot clear the flag), read to its end or past the cap. */
function readPipe(path: string, maxBytes: number): RegularFileRead {
  const fs = nodeFs();
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NOCTTY ?? 0));
  } catch (error) {
    return failed(error);
  }
  try {
    return readOpenFile(fd, 0, maxBytes);
  } catch (error) {
    return failed(error);
  } finally {
    fs.closeSync(fd);
  }
}

function failed(error: unknown): RegularFileRead {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'ERROR';
  return code === 'ENOENT' ? { kind: 'missing', error } : { kind: 'unreadable', code, error };
}

/** What a refused read says, as one line naming the file. `action` as fileSystemError words it. */
export function refusalError(path: string, outcome: Exclude<RegularFileRead, { kind: 'read' }>, action = 'read'): TsstoreError {
  switch (outcome.kind) {
    case 'not-regular':
      return notRegularFileError(path, outcome.mode);
    case 'too-large':
      return tooLargeFileError(path, outcome.size, outcome.maxBytes);
    case 'missing':
    case 'unreadable':
      return fileSystemError(action, terminalSafe(path), outcome.error);
  }
}

/** The bytes; undefined when nothing is there; any other refusal throws a TsstoreError naming the file. */
export function readRegularBytes(path: string, options: RegularFileOptions): Buffer | undefined {
  const outcome = readRegularFile(path, options);
  if (outcome.kind === 'read') return outcome.bytes;
  if (outcome.kind === 'missing') return undefined;
  throw refusalError(path, outcome);
}

/** As readRegularBytes, decoded as readFileSync(path, 'utf8') decodes (a BOM kept, bad bytes U+FFFD). */
export function readRegularText(path: string, options: RegularFileOptions): string | undefined {
  return readRegularBytes(path, options)?.toString('utf8');
}

/** As readRegularText, where a missing file is an error too. */
export function readExistingRegularText(path: string, options: RegularFileOptions, action = 'read'): string {
  const outcome = readRegularFile(path, options);
  if (outcome.kind === 'read') return outcome.bytes.toString('utf8');
  throw refusalError(path, outcome, action);
}
