/**
 * What one registry's folder under certs.d holds, read the way dockerd reads it (symbolic links followed,
 * names as they are), with bounds: at most MAX_ENTRIES names and MAX_FILE_BYTES per file. Only reads.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile } from '../../fs/read-regular-file.js';
import { isFolderMode } from '../../fs/regular-file.js';

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

/** A FIFO planted here must not stop the doctor, nor /dev/zero fill its memory: read-regular-file.ts. */
function readEntry(folder: string, name: string): FolderEntry {
  const outcome = readRegularFile(join(folder, name), { maxBytes: MAX_FILE_BYTES });
  switch (outcome.kind) {
    case 'read':
      return { name, kind: 'file', text: outcome.bytes.toString('latin1') };
    case 'not-regular':
      return { name, kind: isFolderMode(outcome.mode) ? 'folder' : 'other' };
    case 'too-large':
      return { name, kind: 'too-large', bytes: outcome.size ?? MAX_FILE_BYTES + 1 };
    case 'missing':
      return { name, kind: 'unreadable', code: 'ENOENT', reason: reasonOf('ENOENT', outcome.error) };
    case 'unreadable':
      return { name, kind: 'unreadable', code: outcome.code, reason: reasonOf(outcome.code, outcome.error) };
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
