/**
 * The one bounded read of a person's file (src/fs/read-regular-file.ts), on real files: what it reads,
 * what it refuses and why, and that a FIFO or a device is refused at once (in a bun child with a bound:
 * a read that blocked would otherwise stop this test process for good).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTsstoreError } from '../../src/errors.js';
import { readExistingRegularText, readRegularFile, readRegularText } from '../../src/fs/read-regular-file.js';
import { fileTypeOf, formatBytes } from '../../src/fs/regular-file.js';
import { bunBinary } from '../support/bun.js';
import { PROJECT_ROOT } from '../support/helper-binary.js';

const PROBE = join(PROJECT_ROOT, 'test', 'support', 'read-regular-file-probe.ts');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-regular-'));
  writeFileSync(join(dir, 'plain'), 'hello\n');
  writeFileSync(join(dir, 'bom'), Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xff]));
  writeFileSync(join(dir, 'big'), 'x'.repeat(2049));
  symlinkSync(join(dir, 'plain'), join(dir, 'link'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
  mkdirSync(join(dir, 'folder'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  // A UNIX socket (python3 binds one and exits; the file stays): open(2) answers ENXIO for it.
  execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', join(dir, 'socket')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRegularFile', () => {
  it('reads a regular file, through a link, as readFileSync does (a BOM kept, a bad byte U+FFFD)', () => {
    expect(readRegularText(join(dir, 'plain'), { maxBytes: 100 })).toBe('hello\n');
    expect(readRegularText(join(dir, 'link'), { maxBytes: 100 })).toBe('hello\n');
    expect(readRegularText(join(dir, 'bom'), { maxBytes: 100 })).toBe('\ufeffa\ufffd');
  });

  it('a missing file or a link to nothing is missing; a folder is not a regular file', () => {
    expect(readRegularFile(join(dir, 'missing'), { maxBytes: 100 })).toMatchObject({ kind: 'missing' });
    expect(readRegularFile(join(dir, 'dangling'), { maxBytes: 100 })).toMatchObject({ kind: 'missing' });
    expect(readRegularText(join(dir, 'missing'), { maxBytes: 100 })).toBeUndefined();
    expect(() => readRegularText(join(dir, 'folder'), { maxBytes: 100 })).toThrow(`cannot read ${join(dir, 'folder')}: it is a folder, not a regular file`);
    expect(() => readExistingRegularText(join(dir, 'missing'), { maxBytes: 100 })).toThrow(`cannot read ${join(dir, 'missing')}: no such file`);
  });

  it('a file over the cap is refused unread, with its size; a procfs file (stat size 0) is read to its end within the cap', () => {
    expect(readRegularFile(join(dir, 'big'), { maxBytes: 2048 })).toMatchObject({ kind: 'too-large', size: 2049, maxBytes: 2048 });
    expect(() => readRegularText(join(dir, 'big'), { maxBytes: 2048 })).toThrow(`cannot read ${join(dir, 'big')}: it holds 2049 bytes, more than the 2 KiB such a file may hold`);
    expect(readRegularText('/proc/self/status', { maxBytes: 1024 * 1024 })).toMatch(/^Name:/);
    expect(readRegularFile('/proc/self/status', { maxBytes: 10 })).toMatchObject({ kind: 'too-large', size: undefined });
  });

  it('inspect sees the open file before a byte is read, and what it throws goes out', () => {
    expect(() =>
      readRegularFile(join(dir, 'plain'), {
        maxBytes: 100,
        inspect: (stat) => {
          throw new Error(`mode ${(stat.mode & 0o777).toString(8)}`);
        },
      }),
    ).toThrow(/^mode \d+$/);
  });

  it('a path with a control character stays one line in the message', () => {
    const odd = join(dir, 'odd\nname');
    mkdirSync(odd);
    try {
      readRegularText(odd, { maxBytes: 100 });
      expect.unreachable();
    } catch (error) {
      expect(isTsstoreError(error, 'io')).toBe(true);
      expect((error as Error).message).toBe(`cannot read ${join(dir, 'odd\\x0aname')}: it is a folder, not a regular file`);
    }
  });

  it.runIf(process.getuid?.() === 0)('permission denied is unreadable with its code (run as nobody)', async () => {
    const closed = join(dir, 'closed');
    writeFileSync(closed, 'x');
    chmodSync(closed, 0o600);
    const { stdout } = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', bunBinary(), PROBE, closed], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual([{ kind: 'unreadable', code: 'EACCES' }]);
  });

  it('a UNIX socket is refused as one, not as ENXIO ("no such device or address")', () => {
    const outcome = readRegularFile(join(dir, 'socket'), { maxBytes: 100 });
    expect(outcome.kind).toBe('not-regular');
    expect(fileTypeOf(outcome.kind === 'not-regular' ? outcome.mode : 0)).toBe('a socket');
  });

  it('a FIFO and /dev/zero are refused at once, by their type', async () => {
    // The bound a blocked open or an endless read would meet: the test fails instead of hanging.
    const { stdout } = await execa(bunBinary(), [PROBE, join(dir, 'fifo'), '/dev/zero'], { timeout: 30_000 });
    const [fifo, zero] = JSON.parse(stdout) as Array<{ kind: string; mode: number }>;
    expect(fifo?.kind).toBe('not-regular');
    expect(fileTypeOf(fifo?.mode ?? 0)).toBe('a FIFO (named pipe)');
    expect(zero?.kind).toBe('not-regular');
    expect(fileTypeOf(zero?.mode ?? 0)).toBe('a character device');
  });
});

describe('formatBytes', () => {
  it('names round caps in KiB and MiB, other sizes in bytes', () => {
    expect([formatBytes(1024 * 1024), formatBytes(64 * 1024), formatBytes(1536), formatBytes(3_200_003)]).toEqual(['1 MiB', '64 KiB', '1536 bytes', '3200003 bytes']);
  });
});
