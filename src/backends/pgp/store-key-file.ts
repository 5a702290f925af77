/** The store key's file: whether there is one, and its text, refused (as ssh does) when others could read it. */
import { fileCalls } from '../../fs/file-calls.js';
import { TsstoreError, fileSystemError, isTsstoreError } from '../../errors.js';
import { onlyOwnerMayAccess } from '../../fs/owner-only.js';

/** An armored v4 Curve25519 key is about 1 KB; 1 MiB holds any key with all its signatures. */
export const MAX_STORE_KEY_BYTES = 1024 * 1024;

export function storeKeyExists(path: string): boolean {
  try {
    return fileCalls().stat(path) !== undefined;
  } catch {
    return false;
  }
}

export function readStoreKeyText(path: string): string {
  try {
    return fileCalls().readText(path, MAX_STORE_KEY_BYTES, (mode) => {
      const permissions = mode & 0o777;
      if (!onlyOwnerMayAccess(permissions)) {
        throw new TsstoreError('unsafe-permissions', `the store key ${path} can be read by others (mode ${permissions.toString(8)}); run chmod 600 ${path}`);
      }
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TsstoreError('config', `the store key ${path} is missing; run docker-credential-tsstore init`);
    }
    throw isTsstoreError(error) ? error : fileSystemError('read', path, error);
  }
}
