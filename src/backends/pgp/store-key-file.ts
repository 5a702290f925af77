/** The store key's file: whether there is one, and its text, refused (as ssh does) when others could read it. */
import { fileCalls } from '../../fs/file-calls.js';
import { TsstoreError, fileSystemError } from '../../errors.js';
import { onlyOwnerMayAccess } from '../../fs/owner-only.js';

export function storeKeyExists(path: string): boolean {
  try {
    return fileCalls().stat(path) !== undefined;
  } catch {
    return false;
  }
}

export function readStoreKeyText(path: string): string {
  const files = fileCalls();
  let fd: number;
  try {
    fd = files.openToRead(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TsstoreError('config', `the store key ${path} is missing; run docker-credential-tsstore init`);
    }
    throw fileSystemError('read', path, error);
  }
  try {
    const mode = files.fstat(fd).mode & 0o777;
    if (!onlyOwnerMayAccess(mode)) {
      throw new TsstoreError('unsafe-permissions', `the store key ${path} can be read by others (mode ${mode.toString(8)}); run chmod 600 ${path}`);
    }
    return files.readTextOf(fd);
  } finally {
    files.close(fd);
  }
}
