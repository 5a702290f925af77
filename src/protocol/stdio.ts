/** The only place that touches stdin and stdout for the helper protocol. */
import { fstatSync, readSync, writeSync } from 'node:fs';
import { MAX_INPUT_BYTES } from './codec.js';

/**
 * Reads stdin to the end, but never more than one byte past the limit (so a flood is refused,
 * not buffered). Synchronous reads are the fast path; a non-blocking stdin falls back to a stream.
 */
export async function readInput(limit = MAX_INPUT_BYTES): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let count: number;
    try {
      count = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return readInputAsync(chunks, total, limit);
      if (code === 'EOF' || code === 'EBADF' || code === 'ENXIO') break; // closed or absent stdin reads as empty
      throw error;
    }
    if (count === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, count)));
    total += count;
    if (total > limit) break;
  }
  return Buffer.concat(chunks, total);
}

async function readInputAsync(chunks: Buffer[], total: number, limit: number): Promise<Uint8Array> {
  for await (const piece of process.stdin) {
    const buffer = piece as Buffer;
    chunks.push(buffer);
    total += buffer.length;
    if (total > limit) break;
  }
  return Buffer.concat(chunks, total);
}

/**
 * Whether stdin is a terminal. Docker's pipes cost one fstat; only a character device (a terminal, or
 * /dev/null) pays for node:tty, which under bun takes 20-60 ms to load.
 */
export async function stdinIsTerminal(): Promise<boolean> {
  try {
    if (!fstatSync(0).isCharacterDevice()) return false;
  } catch {
    return false; // no stdin at all
  }
  const { isatty } = await import('node:tty');
  return isatty(0);
}

/**
 * Writes to stdout with write(2) directly: under bun, touching process.stdout builds a stream and costs
 * more than everything else `version` or `list` does. Retries partial writes and a non-blocking pipe.
 */
export function writeOutput(text: string, fd = 1): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // the reader is slow: wait 1 ms
    }
  }
}

export function writeError(text: string): void {
  writeOutput(text, 2);
}
