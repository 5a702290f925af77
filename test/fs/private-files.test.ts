import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileExclusive, isStaleTemporary, temporaryName, writeFileAtomic } from '../../src/fs/private-files.js';

const namespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] as string;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-fs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('isStaleTemporary', () => {
  const now = 1_000_000_000_000;
  it('judges by pid only in our own pid namespace', () => {
    expect(isStaleTemporary(`.a.999999999.${namespace}.ab12.tmp`, now, now)).toBe(true);
    expect(isStaleTemporary(`.a.${process.pid}.${namespace}.ab12.tmp`, now, now)).toBe(false);
    // A writer in a container sharing the folder: its pid means nothing here, only age counts.
    expect(isStaleTemporary('.a.999999999.12345.ab12.tmp', now, now)).toBe(false);
    expect(isStaleTemporary('.a.999999999.12345.ab12.tmp', now - 11 * 60 * 1000, now)).toBe(true);
    expect(isStaleTemporary('not-ours.tmp', now, now)).toBe(false);
  });
  it('names temporary files so that they can be judged', () => {
    expect(temporaryName('.x')).toMatch(new RegExp(`^\\.x\\.${process.pid}\\.${namespace}\\.[0-9a-f]{12}\\.tmp$`));
  });
});

describe('writeFileAtomic and createFileExclusive', () => {
  it('write 0600 files and sweep their own dead leftovers, not other files', () => {
    const dead = `.settings.json.999999999.${namespace}.aaaaaaaaaaaa.tmp`;
    const foreignYoung = '.settings.json.999999999.1.bbbbbbbbbbbb.tmp';
    const other = `.other.json.999999999.${namespace}.cccccccccccc.tmp`;
    for (const name of [dead, foreignYoung, other]) writeFileSync(join(dir, name), 'x');
    writeFileAtomic(join(dir, 'settings.json'), '{}');
    expect(readdirSync(dir).sort()).toEqual([foreignYoung, other, 'settings.json'].sort());
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
    const old = (Date.now() - 20 * 60 * 1000) / 1000;
    utimesSync(join(dir, foreignYoung), old, old);
    expect(createFileExclusive(join(dir, 'settings.json'), '{"x":1}')).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([other, 'settings.json'].sort());
  });
  it('createFileExclusive puts its temporary copy where it is told', () => {
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    expect(createFileExclusive(join(dir, 'key.asc'), 'secret key', { temporaryDir: tmp })).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['key.asc', 'tmp']);
  });
});
