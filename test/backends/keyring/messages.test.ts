import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstCause, libraryError } from '../../../src/backends/keyring/messages.js';
import { explainLoadFailure, temporaryFolderProblem } from '../../../src/backends/keyring/native.js';

/** The chain napi-rs builds: the last place it tried outermost, the first innermost. */
function napiError(...reasons: string[]): Error {
  const chain = reasons.reduce<Error | null>((previous, reason) => {
    const error = new Error(reason);
    if (previous) error.cause = previous;
    return error;
  }, null);
  const error = new Error('Cannot find native binding. npm has a bug related to optional dependencies (https://github.com/npm/cli/issues/4828).');
  error.cause = chain;
  return error;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-messages-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loading the addon', () => {
  it('finds the real reason inside napi-rs\'s "npm has a bug" error', () => {
    const error = napiError("Cannot find module './keyring.linux-x64-gnu.node'", '/$bunfs/root/keyring.node: cannot open shared object file', "Cannot find module '@napi-rs/keyring-wasm32-wasi'");
    expect(firstCause(error)).toBe('/$bunfs/root/keyring.node: cannot open shared object file');
    expect(firstCause(napiError("Cannot find module 'a'"))).toBe("Cannot find module 'a'");
  });

  it('in the single file, blames TMPDIR when it cannot take the addon, never npm', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const error = napiError('whatever');
    expect(explainLoadFailure(error, join(dir, 'missing'), true).message).toBe(
      `cannot load the keyring library: this single-file build unpacks it into the temporary folder ${join(dir, 'missing')} (TMPDIR), and it does not exist; set TMPDIR to a folder you can write to, or use the pgp backend (TSSTORE_BACKEND=pgp)`,
    );
    expect(explainLoadFailure(error, file, true).message).toContain('and it is not a folder;');
    for (const folder of [join(dir, 'missing'), file]) expect(explainLoadFailure(error, folder, true).message).not.toMatch(/npm/);
  });

  it('with a usable TMPDIR, or under Node.js, names the library\'s own reason', () => {
    const error = napiError('/x/keyring.node: wrong ELF class');
    for (const message of [explainLoadFailure(error, dir, true).message, explainLoadFailure(error, join(dir, 'missing'), false).message]) {
      expect(message).toMatch(/^cannot load the keyring library \(@napi-rs\/keyring\) on \S+: \/x\/keyring\.node: wrong ELF class; use the pgp backend instead/);
    }
  });

  it('tries the folder for real and leaves nothing behind', () => {
    expect(temporaryFolderProblem(dir)).toBeUndefined();
    expect(temporaryFolderProblem(join(dir, 'missing'))).toBe('it does not exist');
    expect(temporaryFolderProblem('/proc')).toMatch(/^it is not writable/);
    expect(mkdtempSync(join(dir, 'x')).length).toBeGreaterThan(0);
  });
});

describe('library errors', () => {
  it('keep the first line, and name an ambiguous entry for what it is', () => {
    expect(libraryError('read the credentials', new Error('Platform failure: boom\nmore')).message).toBe('the keyring refused to read the credentials: Platform failure: boom');
    const ambiguous = libraryError('read the credentials', new Error('Entry is matched by 2 credentials: ...'));
    expect(ambiguous.code).toBe('store-corrupt');
    expect(ambiguous.message).toMatch(/more than one item/);
  });
});
