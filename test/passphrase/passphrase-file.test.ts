import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { passphraseFilePath, readPassphraseFile } from '../../src/passphrase/passphrase-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-passfile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(content: string, mode: number): string {
  const path = join(dir, `p-${mode.toString(8)}-${Math.random().toString(16).slice(2)}`);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

describe('TSSTORE_PASSPHRASE_FILE', () => {
  it('is unset when empty', () => {
    expect(passphraseFilePath({})).toBeUndefined();
    expect(passphraseFilePath({ TSSTORE_PASSPHRASE_FILE: '' })).toBeUndefined();
    expect(passphraseFilePath({ TSSTORE_PASSPHRASE_FILE: '/x' })).toBe('/x');
  });

  it('reads the passphrase without one trailing newline, keeping other white space', () => {
    expect(readPassphraseFile(file('hunter2\n', 0o600))).toBe('hunter2');
    expect(readPassphraseFile(file('hunter2\r\n', 0o400))).toBe('hunter2');
    expect(readPassphraseFile(file(' two words \n\n', 0o600))).toBe(' two words \n');
    expect(readPassphraseFile(file('pä55', 0o600))).toBe('pä55');
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o666])('refuses mode %o, saying how to fix it and never what it holds', (mode) => {
    const path = file('hunter2\n', mode);
    expect(() => readPassphraseFile(path)).toThrow(`TSSTORE_PASSPHRASE_FILE ${path} can be read by other users (mode ${mode.toString(8)}); run chmod 600 ${path}`);
    try {
      readPassphraseFile(path);
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('refuses an empty file, a folder and a missing file', () => {
    expect(() => readPassphraseFile(file('\n', 0o600))).toThrow(/is empty$/);
    const folder = join(dir, 'folder');
    mkdirSync(folder, { mode: 0o700 });
    expect(() => readPassphraseFile(folder)).toThrow(/ is a folder, not a regular file$/);
    expect(() => readPassphraseFile(join(dir, 'missing'))).toThrow(/no such file/);
  });
});
