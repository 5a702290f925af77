/** The only place that touches stdin and stdout for the helper protocol. */
import { fileCalls, isCharacterDevice } from '../fs/file-calls.js';
import { MAX_INPUT_BYTES } from './codec.js';

const encoder = new TextEncoder();

/**
 * Reads stdin to the end, but never more than one buffer past the limit (so a flood is refused, not
 * buffered). Synchronous reads are the fast path; a non-blocking stdin falls back to a stream. Plain
 * Uint8Arrays, not Buffer: in the single file, the first use of Buffer costs a `get` 0.4 M instructions
 * (valgrind) of JavaScript builtins, and docker's input is a few hundred bytes.
 */
export async function readInput(limit = MAX_INPUT_BYTES): Promise<Uint8Array> {
  let buffer = new Uint8Array(4096);
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      const larger = new Uint8Array(buffer.length * 2);
      larger.set(buffer);
      buffer = larger;
    }
    let count: number;
    try {
      count = fileCalls().read(0, buffer, total, buffer.length - total);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return readInputAsync(buffer.subarray(0, total), limit);
      if (code === 'EOF' || code === 'EBADF' || code === 'ENXIO') break; // closed or absent stdin reads as empty
      throw error;
    }
    if (count === 0) break;
    total += count;
    if (total > limit) break;
  }
  return buffer.subarray(0, total);
}

async function readInputAsync(start: Uint8Array, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [start];
  let total = start.length;
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
    if (!isCharacterDevice(fileCalls().modeOf(0))) return false;
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
  const bytes = encoder.encode(text);
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += fileCalls().write(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); // the reader is slow: wait 1 ms
    }
  }
}

/**
 * Whether stdout was closed when this process started (`>&-`): bun and Node.js then put /dev/null on
 * fd 1, opened read-write, so the answer's write "succeeds" and reaches nobody (a shell's own redirect to
 * /dev/null is write-only). Docker's stdout is a pipe: one statx, and the rest is in a function of its
 * own, compiled only for a character device (callgrind, single file, stdout a pipe: this check costs a
 * cached `list` about 20 K instructions, 0.3 %).
 * Linux only (/proc); where it cannot tell, false.
 */
export function stdoutWasClosed(): boolean {
  let mode: number;
  try {
    mode = fileCalls().modeOf(1);
  } catch {
    return true; // EBADF: no stdout at all
  }
  return (mode & 0o170000) === 0o020000 && isDevNullOpenedReadWrite(1);
}

function isDevNullOpenedReadWrite(fd: number): boolean {
  const files = fileCalls();
  try {
    const stat = files.fstat(fd);
    const devNull = files.stat('/dev/null');
    if (devNull?.dev !== stat.dev || devNull.ino !== stat.ino) return false;
    const flags = fdinfoFlags(files.readText(`/proc/self/fdinfo/${fd}`, 64 * 1024));
    return flags !== undefined && (flags & 0o3) === 0o2; // O_ACCMODE is O_RDWR
  } catch {
    return false;
  }
}

/**
 * The octal `flags:` line of a /proc/PID/fdinfo file, found without a regular expression: the first one
 * a process runs costs the single file 0.35-0.6 ms (src/fs/join-path.ts), and a `get` whose stdout is
 * /dev/null comes here.
 */
export function fdinfoFlags(fdinfo: string): number | undefined {
  for (const line of fdinfo.split('\n')) {
    if (!line.startsWith('flags:')) continue;
    const digits = line.slice(6).trim();
    if (digits === '') return undefined;
    for (let index = 0; index < digits.length; index++) {
      const code = digits.charCodeAt(index);
      if (code < 0x30 || code > 0x37) return undefined;
    }
    return Number.parseInt(digits, 8);
  }
  return undefined;
}

export function writeError(text: string): void {
  writeOutput(text, 2);
}
