/**
 * The single file's file calls (libc through Bun.FFI, src/fs/libc-file-calls.ts) answer as node:fs does:
 * the same stat fields (the list cache compares them across processes), the same text, the same error
 * codes. Run by the real bun, on real files; node:fs's answers are read here, under Node.js.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync, readFileSync, type BigIntStats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStatx } from '../../src/fs/libc-file-calls.js';
import { bunBinary } from '../support/bun.js';
import { PROJECT_ROOT } from '../support/helper-binary.js';

const PROBE = join(PROJECT_ROOT, 'test', 'support', 'libc-file-calls-probe.ts');
let dir: string;

type Attempt<T> = { value: T } | { code: string; message: string };
interface Answer {
  path: string;
  stat: Attempt<Record<string, string | number> | undefined>;
  text: Attempt<string>;
  fstat: Attempt<Record<string, string | number>>;
}

async function probe(paths: string[], uid?: number, maxBytes?: number): Promise<Answer[]> {
  const command = uid === undefined ? [bunBinary(), PROBE, 'paths', ...paths] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', bunBinary(), PROBE, 'paths', ...paths];
  const { stdout } = await execa(command[0] as string, command.slice(1), {
    // The bound a FIFO that blocked would meet (below the test's own 60 s): the test fails, CI goes on.
    timeout: 30_000,
    env: { ...process.env, BUN_INSTALL_CACHE_DIR: join(dir, 'bun-cache'), ...(maxBytes === undefined ? {} : { PROBE_MAX_BYTES: String(maxBytes) }) },
  });
  return JSON.parse(stdout) as Answer[];
}

function nodeStat(stats: BigIntStats): Record<string, string | number> {
  return { dev: String(stats.dev), ino: String(stats.ino), mode: Number(stats.mode), size: Number(stats.size), mtimeNs: String(stats.mtimeNs), ctimeNs: String(stats.ctimeNs) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-libc-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'plain.json'), '{"backend":"pgp"}\n');
  // A BOM, a lone continuation byte, a truncated sequence, an overlong form, a surrogate's encoding.
  writeFileSync(join(dir, 'odd.txt'), Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x80, 0x62, 0xe2, 0x82, 0x63, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x0a]));
  writeFileSync(join(dir, 'empty'), '');
  writeFileSync(join(dir, 'large'), 'é'.repeat(1_600_000) + 'end'); // 3.2 MB: more than one read
  mkdirSync(join(dir, 'folder'));
  symlinkSync(join(dir, 'plain.json'), join(dir, 'link'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  // A UNIX socket (python3 binds one and exits; the file stays): open(2) answers ENXIO for it.
  execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', join(dir, 'socket')]);
  mkdirSync(join(dir, 'closed'), { mode: 0o700 });
  writeFileSync(join(dir, 'closed', 'inside'), 'x');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('libc file calls in bun', () => {
  it('stat, fstat and readText answer what node:fs answers, byte for byte and field for field', async () => {
    const names = ['plain.json', 'odd.txt', 'empty', 'large', 'link', 'folder'];
    const answers = await probe(names.map((name) => join(dir, name)));
    for (const [index, name] of names.entries()) {
      const path = join(dir, name);
      const answer = answers[index] as Answer;
      const expected = nodeStat(statSync(path, { bigint: true }));
      expect(answer.stat, name).toEqual({ value: expected });
      if (name === 'folder') {
        expect(answer.text, name).toEqual({ code: 'io', message: `cannot read ${path}: it is a folder, not a regular file` });
        continue;
      }
      expect(answer.fstat, name).toEqual({ value: expected });
      expect(answer.text, name).toEqual({ value: readFileSync(path, 'utf8') });
    }
  });

  it('a miss is undefined from stat and ENOENT from reading; other errors keep their code and path', async () => {
    const missing = join(dir, 'missing');
    const notFolder = join(dir, 'plain.json', 'below');
    const [absent, dangling, under, nul] = await probe([missing, join(dir, 'dangling'), notFolder, `${join(dir, 'plain.json')}<NUL>x`]);
    expect(absent?.stat).toEqual({});
    expect(absent?.text).toEqual({ code: 'ENOENT', message: `ENOENT: no such file or directory, open '${missing}'` });
    expect(dangling?.stat).toEqual({});
    expect(under?.stat).toMatchObject({ code: 'ENOTDIR' });
    expect(under?.text).toMatchObject({ code: 'ENOTDIR', message: `ENOTDIR: not a directory, open '${notFolder}'` });
    // A NUL would end the C string early and name plain.json: refused, as node:fs refuses it.
    expect(nul?.stat).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(nul?.text).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  it.runIf(process.getuid?.() === 0)('permission denied is EACCES for a user who may not look (run as nobody)', async () => {
    const inside = join(dir, 'closed', 'inside');
    const [answer] = await probe([inside], 65534);
    expect(answer?.stat).toMatchObject({ code: 'EACCES', message: `EACCES: permission denied, stat '${inside}'` });
    expect(answer?.text).toMatchObject({ code: 'EACCES' });
  });

  it('a FIFO and a device are refused at once, judged on the open descriptor (the open of a FIFO does not wait for a writer)', async () => {
    const fifo = join(dir, 'fifo');
    const [pipe, zero] = await probe([fifo, '/dev/zero']);
    expect(pipe?.stat).toEqual({ value: nodeStat(statSync(fifo, { bigint: true })) });
    expect(pipe?.fstat).toEqual({ value: nodeStat(statSync(fifo, { bigint: true })) }); // openToRead came back
    expect(pipe?.text).toEqual({ code: 'io', message: `cannot read ${fifo}: it is a FIFO (named pipe), not a regular file` });
    expect(zero?.text).toEqual({ code: 'io', message: 'cannot read /dev/zero: it is a character device, not a regular file' });
  });

  it('a UNIX socket is refused as one, not as ENXIO ("no such device or address")', async () => {
    const socket = join(dir, 'socket');
    const [answer] = await probe([socket]);
    expect(answer?.text).toEqual({ code: 'io', message: `cannot read ${socket}: it is a socket, not a regular file` });
  });

  it('a file over the cap is refused unread; a procfs file (stat size 0) is read to its end, but not past the cap', async () => {
    const large = join(dir, 'large');
    const [tooLarge, proc] = await probe([large, '/proc/version'], undefined, 1024 * 1024);
    expect(tooLarge?.text).toEqual({ code: 'io', message: `cannot read ${large}: it holds 3200003 bytes, more than the 1 MiB such a file may hold` });
    expect(proc?.text).toEqual({ value: readFileSync('/proc/version', 'utf8') });
    const [procOverCap] = await probe(['/proc/version'], undefined, 10);
    expect(procOverCap?.text).toEqual({ code: 'io', message: 'cannot read /proc/version: it holds more than the 10 bytes such a file may hold' });
  });

  it('read and write move every byte through a pipe, partial counts included', async () => {
    const input = Buffer.from(Array.from({ length: 300_000 }, (_, index) => (index * 7919) % 256));
    const { stdout } = await execa(bunBinary(), [PROBE, 'echo'], { input, encoding: 'buffer', timeout: 60_000 });
    expect(Buffer.compare(Buffer.from(stdout), input)).toBe(0);
  });
});

describe('parseStatx', () => {
  it('reads struct statx (linux/stat.h) as glibc and node:fs compose it', () => {
    const bytes = new Uint8Array(256);
    const view = new DataView(bytes.buffer);
    view.setUint16(28, 0o100600, true);
    view.setBigUint64(32, 123456789012345n, true);
    view.setBigUint64(40, 4096n, true);
    view.setBigInt64(96, 1_700_000_000n, true); // ctime
    view.setUint32(104, 5, true);
    view.setBigInt64(112, 1_700_000_001n, true); // mtime
    view.setUint32(120, 999_999_999, true);
    view.setUint32(136, 0x1234, true); // dev major: above 0xfff, so both halves of makedev are used
    view.setUint32(140, 0x567, true); // dev minor: above 0xff
    expect(parseStatx(bytes)).toEqual({
      mode: 0o100600,
      ino: 123456789012345n,
      size: 4096,
      ctimeNs: 1_700_000_000_000_000_005n,
      mtimeNs: 1_700_000_001_999_999_999n,
      // glibc: ((major & 0xfff) << 8) | ((major & ~0xfff) << 32) | (minor & 0xff) | ((minor & ~0xff) << 12)
      dev: (0x234n << 8n) | (0x1000n << 32n) | 0x67n | (0x500n << 12n),
    });
  });
});
