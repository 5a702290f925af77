/**
 * TSSTORE_PASSPHRASE_FILE: the passphrase for unattended machines, in a file only its owner can read.
 * Refused, as ssh refuses a private key, when group or others could read it.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { TsstoreError, fileSystemError } from '../errors.js';
import { onlyOwnerMayAccess } from '../fs/owner-only.js';

export const PASSPHRASE_FILE_VARIABLE = 'TSSTORE_PASSPHRASE_FILE';

export function passphraseFilePath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env[PASSPHRASE_FILE_VARIABLE];
  return value === undefined || value === '' ? undefined : value;
}

/** The file's content without one trailing newline (`echo secret > file` is how people write it). */
export function readPassphraseFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileSystemError(`read ${PASSPHRASE_FILE_VARIABLE}`, path, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new TsstoreError('config', `${PASSPHRASE_FILE_VARIABLE} ${path} is not a regular file`);
    const mode = stat.mode & 0o777;
    if (!onlyOwnerMayAccess(mode)) {
      throw new TsstoreError(
        'unsafe-permissions',
        `${PASSPHRASE_FILE_VARIABLE} ${path} can be read by other users (mode ${mode.toString(8)}); run chmod 600 ${path}`,
      );
    }
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    if (uid !== undefined && stat.uid !== uid) {
      throw new TsstoreError('unsafe-permissions', `${PASSPHRASE_FILE_VARIABLE} ${path} belongs to another user (uid ${stat.uid})`);
    }
    const passphrase = readFileSync(fd, 'utf8').replace(/\r?\n$/, '');
    if (passphrase === '') throw new TsstoreError('config', `${PASSPHRASE_FILE_VARIABLE} ${path} is empty`);
    return passphrase;
  } finally {
    closeSync(fd);
  }
}
