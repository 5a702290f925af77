/** daemon.json on disk: the bad inputs dockerd users meet, and the write through a link keeping the mode. */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DAEMON_JSON_BYTES, readDaemonJsonFile } from '../../src/docker/daemon-json-file.js';
import { addToDaemonJson } from '../../src/docker/daemon-json-write.js';
import { isTsstoreError } from '../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-daemon-json-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readDaemonJsonFile', () => {
  it('missing, a folder, a FIFO (never read: it would block), too large, not an object', () => {
    expect(readDaemonJsonFile(join(dir, 'none.json'))).toMatchObject({ kind: 'missing' });
    mkdirSync(join(dir, 'folder.json'));
    expect(readDaemonJsonFile(join(dir, 'folder.json'))).toMatchObject({ kind: 'unreadable', message: 'it is a folder' });
    execFileSync('mkfifo', [join(dir, 'fifo.json')]);
    expect(readDaemonJsonFile(join(dir, 'fifo.json'))).toMatchObject({ kind: 'unreadable', message: 'it is not a regular file' });
    writeFileSync(join(dir, 'huge.json'), `{"labels": ["${'x'.repeat(MAX_DAEMON_JSON_BYTES)}"]}`);
    expect(readDaemonJsonFile(join(dir, 'huge.json'))).toMatchObject({ kind: 'too-large' });
    writeFileSync(join(dir, 'string.json'), '"insecure-registries"');
    expect(readDaemonJsonFile(join(dir, 'string.json'))).toMatchObject({ kind: 'not-object', found: 'a string' });
  });

  it('a symbolic link is followed and named; a dangling one is a missing file', () => {
    writeFileSync(join(dir, 'real.json'), '{}');
    symlinkSync('real.json', join(dir, 'link.json'));
    expect(readDaemonJsonFile(join(dir, 'link.json'))).toMatchObject({ kind: 'parsed', link: 'real.json' });
    symlinkSync('gone.json', join(dir, 'dangling.json'));
    expect(readDaemonJsonFile(join(dir, 'dangling.json'))).toMatchObject({ kind: 'missing', link: 'gone.json' });
    // Never replaced by a file: the link stays, pointing where it did.
    expect(() => addToDaemonJson(join(dir, 'dangling.json'), ['reg:5000'])).toThrow(/symbolic link to gone.json, which does not exist/);
    expect(lstatSync(join(dir, 'dangling.json')).isSymbolicLink()).toBe(true);
  });
});

describe('addToDaemonJson', () => {
  it('writes through a link to its target, keeping the link, the mode and no temporary file', () => {
    const real = join(dir, 'real.json');
    writeFileSync(real, '{\n  "debug": true\n}\n', { mode: 0o640 });
    symlinkSync('real.json', join(dir, 'daemon.json'));
    expect(addToDaemonJson(join(dir, 'daemon.json'), ['10.0.0.1:5000'])).toEqual(['10.0.0.1:5000']);
    expect(lstatSync(join(dir, 'daemon.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('{\n  "debug": true,\n  "insecure-registries": ["10.0.0.1:5000"]\n}\n');
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(['daemon.json', 'real.json']);
    expect(addToDaemonJson(join(dir, 'daemon.json'), ['10.0.0.1:5000'])).toEqual([]);
  });

  it('creates a missing file; refuses a broken one, one with a key twice or one dockerd refuses for a key\'s spelling, leaving it as it was', () => {
    const created = join(dir, 'new', 'daemon.json');
    addToDaemonJson(created, ['reg:5000']);
    expect(JSON.parse(readFileSync(created, 'utf8'))).toEqual({ 'insecure-registries': ['reg:5000'] });
    for (const text of ['{\n  "a": 1\n  "b": 2\n}\n', '{"debug": true, "debug": false}', '{"Insecure-Registries": ["x:1"]}']) {
      const path = join(dir, 'bad.json');
      writeFileSync(path, text);
      let thrown: unknown;
      try {
        addToDaemonJson(path, ['reg:5000']);
      } catch (error) {
        thrown = error;
      }
      expect(isTsstoreError(thrown, 'config'), String(thrown)).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
  });
});
