/**
 * Files only their owner can read, written so that a crash leaves the old or the new content, never a
 * mix: write a temporary file with mode 0600, fsync it, then rename it over the target.
 */
import { randomHex } from '../runtime/lazy-crypto.js';
// node:fs and node:path load on first use: `list` and `get` load this module but rarely write (node-modules.ts).
import { nodeFs, nodePath } from './node-modules.js';
import { fileSystemError } from '../errors.js';
import { processAlive } from '../runtime/process-alive.js';

const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;

/** Creates `path` and missing parents as 0700 whatever the umask; folders that exist are left alone. */
export function ensurePrivateDir(path: string): void {
  let created: string | undefined;
  try {
    created = nodeFs().mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (error) {
    throw fileSystemError('create the folder', path, error);
  }
  if (created === undefined) return;
  // mkdir applies the umask; fix every folder we made, from the first one created down to `path`.
  for (let dir = path; ; dir = nodePath().dirname(dir)) {
    nodeFs().chmodSync(dir, PRIVATE_DIR_MODE);
    if (dir === created || dir === nodePath().dirname(dir)) break;
  }
}

/** A temporary file this old was left by a process that died; younger ones may still be in use. */
const STALE_TEMPORARY_MS = 10 * 60 * 1000;

let pidNamespace: string | undefined;
/** Which pid namespace our pids belong to: a pid from a container sharing the folder means nothing here. */
function currentPidNamespace(): string {
  if (pidNamespace === undefined) {
    try {
      pidNamespace = /\[(\d+)\]/.exec(nodeFs().readlinkSync('/proc/self/ns/pid'))?.[1] ?? '0';
    } catch {
      pidNamespace = '0';
    }
  }
  return pidNamespace;
}

/** A name no other process will pick: pid and pid namespace for cleanup of leftovers, random bytes for uniqueness. */
export function temporaryName(prefix: string): string {
  return `${prefix}.${process.pid}.${currentPidNamespace()}.${randomHex(6)}.tmp`;
}

/**
 * A leftover of a killed writer: its process is gone (judged only when it ran in our pid namespace), or
 * it is older than any write takes.
 */
export function isStaleTemporary(name: string, mtimeMs: number, now = Date.now()): boolean {
  if (now - mtimeMs > STALE_TEMPORARY_MS) return true;
  const match = /\.(\d+)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
  if (!match || match[2] !== currentPidNamespace() || match[2] === '0') return false;
  return !processAlive(Number(match[1]));
}

/** Removes stale temporary files in `dir` (only those starting with `prefix`, when given). */
export function removeStaleTemporaryFiles(dir: string, prefix = '', now = Date.now()): void {
  let names: string[];
  try {
    names = nodeFs().readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.tmp') || !name.startsWith(prefix)) continue;
    const path = nodePath().join(dir, name);
    try {
      if (isStaleTemporary(name, nodeFs().statSync(path).mtimeMs, now)) removeQuietly(path);
    } catch {
      // gone already
    }
  }
}

/** Writes a complete private file at `temporaryPath`; the caller renames or links it into place. */
function writePrivateFile(temporaryPath: string, data: string | Uint8Array, mode: number): void {
  let fd: number | undefined;
  try {
    fd = nodeFs().openSync(temporaryPath, 'wx', mode);
    nodeFs().fchmodSync(fd, mode); // the umask may have removed bits we want, never added any
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let offset = 0; offset < bytes.length; ) offset += nodeFs().writeSync(fd, bytes, offset);
    nodeFs().fsyncSync(fd);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temporaryPath);
    throw fileSystemError('write', temporaryPath, error);
  }
  nodeFs().closeSync(fd);
}

export interface AtomicWriteOptions {
  /** Folder for the temporary file; must be on the same file system as `path`. Default: next to it. */
  temporaryDir?: string;
  mode?: number;
}

/**
 * Replaces `path` atomically with `data`. `accept`, when given, sees the complete temporary file first;
 * when it answers false nothing is replaced and the result is false.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions & { accept?: (temporaryPath: string) => boolean } = {}): boolean {
  const prefix = `.${nodePath().basename(path).slice(0, 40)}`;
  const temporaryDir = options.temporaryDir ?? nodePath().dirname(path);
  const temporaryPath = nodePath().join(temporaryDir, temporaryName(prefix));
  writePrivateFile(temporaryPath, data, options.mode ?? PRIVATE_FILE_MODE);
  if (options.accept && !options.accept(temporaryPath)) {
    removeQuietly(temporaryPath);
    return false;
  }
  try {
    nodeFs().renameSync(temporaryPath, path);
  } catch (error) {
    removeQuietly(temporaryPath);
    throw fileSystemError('replace', path, error);
  }
  // Next to the target, a killed writer's leftover would stay forever: sweep this file's own.
  if (options.temporaryDir === undefined) removeStaleTemporaryFiles(temporaryDir, prefix);
  return true;
}

/**
 * Creates `path` with `data` only if it does not exist yet, atomically (link(2) fails on an existing
 * target). Returns false when another process was first; its file is left as it is.
 */
export function createFileExclusive(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): boolean {
  const prefix = `.${nodePath().basename(path).slice(0, 40)}`;
  const temporaryDir = options.temporaryDir ?? nodePath().dirname(path);
  const temporaryPath = nodePath().join(temporaryDir, temporaryName(prefix));
  writePrivateFile(temporaryPath, data, options.mode ?? PRIVATE_FILE_MODE);
  try {
    nodeFs().linkSync(temporaryPath, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileSystemError('create', path, error);
  } finally {
    removeQuietly(temporaryPath);
    if (options.temporaryDir === undefined) removeStaleTemporaryFiles(temporaryDir, prefix);
  }
}

export function removeQuietly(path: string): void {
  try {
    nodeFs().unlinkSync(path);
  } catch {
    // already gone, or nothing we can do about it here
  }
}

function closeQuietly(fd: number): void {
  try {
    nodeFs().closeSync(fd);
  } catch {
    // closing after a failed write; the write's error is the one to report
  }
}
