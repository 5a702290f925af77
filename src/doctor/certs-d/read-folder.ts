/**
 * What one registry's folder under certs.d holds, read the way dockerd reads it (symbolic links followed,
 * names as they are), with bounds: at most MAX_ENTRIES names and MAX_FILE_BYTES per file. Only reads.
 */
import { closeSync, fstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:fs';
import { join } from 'node:path';

export const MAX_ENTRIES = 200;
export const MAX_FILE_BYTES = 1024 * 1024;

export type FolderEntry =
  | { name: string; kind: 'file'; text: string }
  | { name: string; kind: 'folder' | 'other' }
  | { name: string; kind: 'too-large'; bytes: number }
  /** `code`: Node's errno code (EACCES: we may not read it; dockerd, as root, may). */
  | { name: string; kind: 'unreadable'; code: string; reason: string };

export type FolderListing =
  | { kind: 'missing' }
  | { kind: 'not-a-folder' }
  | { kind: 'unreadable'; code: string; reason: string }
  | { kind: 'entries'; entries: FolderEntry[]; truncated: boolean };

export function readRegistryFolder(folder: string): FolderListing {
  let names: string[];
  try {
    if (!statSync(folder).isDirectory()) return { kind: 'not-a-folder' };
    names = readdirSync(folder).sort();
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', code, reason: reasonOf(code, error) };
  }
  const truncated = names.length > MAX_ENTRIES;
  return { kind: 'entries', entries: names.slice(0, MAX_ENTRIES).map((name) => readEntry(folder, name)), truncated };
}

/** The names of the other folders in certs.d, for "the folder is named differently" hints. */
export function listCertsD(certsD: string): string[] {
  try {
    return readdirSync(certsD).slice(0, 10 * MAX_ENTRIES);
  } catch {
    return [];
  }
}

function readEntry(folder: string, name: string): FolderEntry {
  const path = join(folder, name);
  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO planted here must not stop the doctor.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { name, kind: 'folder' };
    if (!stat.isFile()) return { name, kind: 'other' };
    if (stat.size > MAX_FILE_BYTES) return { name, kind: 'too-large', bytes: stat.size };
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const count = readSync(fd, buffer, read, buffer.length - read, read);
      if (count === 0) break;
      read += count;
    }
    return { name, kind: 'file', text: buffer.subarray(0, read).toString('latin1') };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EISDIR') return { name, kind: 'folder' };
    return { name, kind: 'unreadable', code, reason: reasonOf(code, error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'ERROR';
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'a symbolic link to nothing',
  ELOOP: 'too many symbolic links',
  ENXIO: 'a socket or a device with nothing behind it',
};

function reasonOf(code: string, error: unknown): string {
  return REASONS[code] ?? (error instanceof Error ? (error.message.split('\n')[0] ?? code) : code);
}
