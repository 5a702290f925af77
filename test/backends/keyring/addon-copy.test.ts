import { describe, expect, it } from 'vitest';
import { isEmbeddedPath, privateFolderProblem, writeProblem } from '../../../src/backends/keyring/addon-copy.js';

const folder = (kind: 'dir' | 'link' | 'file', uid: number) => ({ isSymbolicLink: () => kind === 'link', isDirectory: () => kind === 'dir', uid });
const errno = (code: string) => Object.assign(new Error(code), { code });

describe('the private copy of the keyring addon', () => {
  it('takes over only the paths inside the executable', () => {
    expect(isEmbeddedPath('/$bunfs/root/keyring.linux-x64-gnu-7mnrhpfc.node')).toBe(true);
    expect(isEmbeddedPath('B:\\~BUN\\root\\keyring.win32-x64-msvc.node')).toBe(true);
    expect(isEmbeddedPath('/work/node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node')).toBe(false);
    expect(isEmbeddedPath('/tmp/$bunfs/x.node')).toBe(false);
  });

  it('uses a folder only when it is a real folder of ours', () => {
    expect(privateFolderProblem(folder('dir', 1000), 1000)).toBeUndefined();
    expect(privateFolderProblem(folder('link', 1000), 1000)).toBe('a folder made there is not a folder');
    expect(privateFolderProblem(folder('file', 1000), 1000)).toBe('a folder made there is not a folder');
    expect(privateFolderProblem(folder('dir', 12345), 1000)).toBe('a folder made there belongs to uid 12345');
  });

  it('says why the copy could not be written', () => {
    expect(writeProblem(errno('ENOSPC'))).toBe('the disk is full');
    expect(writeProblem(errno('EROFS'))).toBe('it is on a read-only file system');
    expect(writeProblem(errno('EACCES'))).toBe('it is not writable (EACCES)');
  });
});
