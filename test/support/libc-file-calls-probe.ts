/**
 * Run by bun (test/fs/libc-file-calls.test.ts): answers, through libc by Bun.FFI, what node:fs is asked
 * in the test, as JSON. `echo` copies stdin to stdout through read and write.
 */
import { libcFiles } from '../../src/runtime/libc.js';
import { libcFileCalls } from '../../src/fs/libc-file-calls.js';
import type { FileStat } from '../../src/fs/file-calls.js';

const symbols = libcFiles();
if (!symbols) throw new Error('no libc file calls in this bun');
const calls = libcFileCalls(symbols);

function attempt<T>(run: () => T): { value: T } | { code: string; message: string } {
  try {
    return { value: run() };
  } catch (error) {
    return { code: String((error as { code?: unknown }).code), message: (error as Error).message };
  }
}

const show = (stat: FileStat | undefined) =>
  stat && { dev: String(stat.dev), ino: String(stat.ino), mode: stat.mode, size: stat.size, mtimeNs: String(stat.mtimeNs), ctimeNs: String(stat.ctimeNs) };

// The cap of readText: PROBE_MAX_BYTES, else 16 MiB.
const maxBytes = Number(process.env.PROBE_MAX_BYTES ?? 16 * 1024 * 1024);

// argv cannot carry a NUL: `<NUL>` stands for one.
const [mode, ...paths] = process.argv.slice(2).map((arg) => arg.replaceAll('<NUL>', '\0'));
if (mode === 'echo') {
  const buffer = new Uint8Array(7000); // not a power of two: reads and writes end mid-way
  for (;;) {
    const count = calls.read(0, buffer, 0, buffer.length);
    if (count === 0) break;
    for (let offset = 0; offset < count; ) offset += calls.write(1, buffer, offset, count - offset);
  }
} else {
  const answers = paths.map((path) => ({
    path,
    stat: attempt(() => show(calls.stat(path))),
    text: attempt(() => calls.readText(path, maxBytes)),
    fstat: attempt(() => {
      const fd = calls.openToRead(path);
      try {
        return show(calls.fstat(fd));
      } finally {
        calls.close(fd);
      }
    }),
  }));
  process.stdout.write(JSON.stringify(answers));
}
