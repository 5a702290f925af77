/**
 * TSSTORE_PASSPHRASE_FILE: the passphrase for unattended machines, in a file only its owner can read.
 * Refused, as ssh refuses a private key, when group or others could read it.
 */
import type { Stats } from 'node:fs';
import { TsstoreError, fileSystemError } from '../errors.js';
import { onlyOwnerMayAccess } from '../fs/owner-only.js';
import { readRegularFile } from '../fs/read-regular-file.js';
import { fileTypeOf, tooLargeReason } from '../fs/regular-file.js';

export const PASSPHRASE_FILE_VARIABLE = 'TSSTORE_PASSPHRASE_FILE';

/** A passphrase is a line; 64 KiB is far past any (and a FIFO or /dev/zero named here is refused). */
const MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;

export function passphraseFilePath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env[PASSPHRASE_FILE_VARIABLE];
  return value === undefined || value === '' ? undefined : value;
}

/** The file's content without one trailing newline (`echo secret > file` is how people write it). */
export function readPassphraseFile(path: string): string {
  const outcome = readRegularFile(path, { maxBytes: MAX_PASSPHRASE_FILE_BYTES, inspect: (stat) => checkOwnerOnly(path, stat) });
  switch (outcome.kind) {
    case 'not-regular':
      throw new TsstoreError('config', `${PASSPHRASE_FILE_VARIABLE} ${path} is ${fileTypeOf(outcome.mode)}, not a regular file`);
    case 'too-large':
      throw new TsstoreError('config', `${PASSPHRASE_FILE_VARIABLE} ${path}: ${tooLargeReason(outcome.size, outcome.maxBytes)}`);
    case 'missing':
    case 'unreadable':
      throw fileSystemError(`read ${PASSPHRASE_FILE_VARIABLE}`, path, outcome.error);
    case 'read': {
      const passphrase = outcome.bytes.toString('utf8').replace(/\r?\n$/, '');
      if (passphrase === '') throw new TsstoreError('config', `${PASSPHRASE_FILE_VARIABLE} ${path} is empty`);
      return passphrase;
    }
  }
}

/** Judged on the open file, before a byte of it is read. */
function checkOwnerOnly(path: string, stat: Stats): void {
  const mode = stat.mode & 0o777;
  if (!onlyOwnerMayAccess(mode)) {
    throw new TsstoreError('unsafe-permissions', `${PASSPHRASE_FILE_VARIABLE} ${path} can be read by other users (mode ${mode.toString(8)}); run chmod 600 ${path}`);
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid !== undefined && stat.uid !== uid) {
    throw new TsstoreError('unsafe-permissions', `${PASSPHRASE_FILE_VARIABLE} ${path} belongs to another user (uid ${stat.uid})`);
  }
}
