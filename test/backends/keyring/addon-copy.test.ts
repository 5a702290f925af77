import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isEmbeddedPath, loadFromPrivateCopy, privateFolderProblem } from '../../../src/backends/keyring/addon-copy.js';
import { writeProblem } from '../../../src/backends/keyring/messages.js';

/** chmod failing (a file system that refuses it), and an embedded addon that exists under node too. */
const faults = vi.hoisted(() => ({ chmod: undefined as string | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    chmodSync: (...args: Parameters<typeof actual.chmodSync>) => {
      if (faults.chmod) throw Object.assign(new Error(`${faults.chmod}: chmod`), { code: faults.chmod });
      return actual.chmodSync(...args);
    },
    readFileSync: (...args: Parameters<typeof actual.readFileSync>) =>
      typeof args[0] === 'string' && args[0].startsWith('/$bunfs/') ? Buffer.from('not really an addon') : actual.readFileSync(...args),
  };
});

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

describe.skipIf(process.platform === 'win32')('the private folder of the copy', () => {
  let base: string | undefined;
  afterEach(() => {
    faults.chmod = undefined;
    if (base) fs.rmSync(base, { recursive: true, force: true });
    base = undefined;
  });

  it('a folder whose mode cannot be set is removed, and the line says why', async () => {
    base = fs.mkdtempSync(join(tmpdir(), 'tsstore-addon-base-'));
    faults.chmod = 'EPERM';
    const load = async () => process.dlopen({ exports: {} }, '/$bunfs/root/keyring.linux-x64-gnu.node');
    await expect(loadFromPrivateCopy(load, base, () => undefined)).rejects.toThrow(
      `cannot load the keyring library: this single-file build unpacks it into the temporary folder ${base} (TMPDIR), and a folder made there cannot be made private (EPERM);`,
    );
    expect(fs.readdirSync(base)).toEqual([]);
  });

  it('a copy that is no addon: the folder is removed too (dlopen fails after the copy)', async () => {
    base = fs.mkdtempSync(join(tmpdir(), 'tsstore-addon-base-'));
    const load = async () => process.dlopen({ exports: {} }, '/$bunfs/root/keyring.linux-x64-gnu.node');
    await expect(loadFromPrivateCopy(load, base, () => undefined)).rejects.toThrow();
    expect(fs.readdirSync(base)).toEqual([]);
  });
});
