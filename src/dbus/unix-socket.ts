/**
 * A connected unix socket for the D-Bus client. In the bun single file on glibc Linux it is libc's,
 * through Bun.FFI (libc-socket.ts: no event loop, so no garbage collection on its first tick);
 * where that cannot be had, Bun.connect (loading node:net under bun costs 7-15 ms and its connect
 * another ~6 ms). Under Node.js, and for Linux abstract sockets without libc (a path that starts
 * with NUL, which bun's unix option is not known to take), it is node:net, loaded only then.
 */

import { connectLibcSocket } from './libc-socket.js';

export interface SocketEvents {
  data(chunk: Buffer): void;
  error(error: Error): void;
  close(): void;
}

export interface UnixSocket {
  write(bytes: Uint8Array): void;
  destroy(): void;
  /** Keep the process alive while a reply is awaited; idle, the socket must not. */
  ref(): void;
  unref(): void;
}

/** The part of bun's socket API used here (the project is typed against Node.js only). */
interface BunSocket {
  write(data: Uint8Array): number;
  end(): void;
  ref(): void;
  unref(): void;
}

interface BunSocketHandler {
  data(socket: BunSocket, data: Uint8Array): void;
  drain(socket: BunSocket): void;
  close(socket: BunSocket): void;
  error(socket: BunSocket, error: Error): void;
  connectError(socket: BunSocket, error: Error): void;
}

interface BunRuntime {
  connect(options: { unix: string; socket: BunSocketHandler }): Promise<BunSocket>;
}

function bunRuntime(): BunRuntime | undefined {
  const bun = (globalThis as { Bun?: Partial<BunRuntime> }).Bun;
  return typeof bun?.connect === 'function' ? (bun as BunRuntime) : undefined;
}

/**
 * Connects to `path`: through libc the socket is there at once (a failed connect throws), so the
 * first bytes leave before anything else runs; otherwise a promise of bun's or Node's socket. A
 * failure's message names the system error (ENOENT, ...).
 */
export function connectUnixSocket(path: string, events: SocketEvents): UnixSocket | Promise<UnixSocket> {
  // The single file on glibc Linux talks through libc (libc-socket.ts says why); elsewhere bun's or Node's sockets.
  const viaLibc = connectLibcSocket(path, events);
  if (viaLibc) return viaLibc;
  const bun = bunRuntime();
  return bun && !path.startsWith('\u0000') ? connectWithBun(bun, path, events) : connectWithNode(path, events);
}

async function connectWithBun(bun: BunRuntime, path: string, events: SocketEvents): Promise<UnixSocket> {
  // bun's write takes what the kernel takes now: the rest waits here for `drain`, in order.
  let pending: Uint8Array[] = [];
  let closed = false;
  const flush = (socket: BunSocket) => {
    while (pending.length > 0) {
      const next = pending[0] as Uint8Array;
      const written = socket.write(next);
      if (written >= next.length) pending.shift();
      else {
        if (written > 0) pending[0] = next.subarray(written);
        return;
      }
    }
  };
  let socket: BunSocket;
  try {
    socket = await bun.connect({
      unix: path,
      socket: {
        data: (_socket, data) => events.data(Buffer.from(data)), // a copy: bun may reuse its read buffer
        drain: (current) => flush(current),
        close: () => {
          closed = true;
          events.close();
        },
        error: (_socket, error) => events.error(error),
        connectError: () => undefined, // the rejected promise says it
      },
    });
  } catch (error) {
    throw connectError(error, path);
  }
  return {
    write(bytes) {
      if (closed) return;
      pending.push(bytes);
      if (pending.length === 1) flush(socket);
    },
    destroy() {
      pending = [];
      if (!closed) socket.end();
    },
    ref: () => socket.ref(),
    unref: () => socket.unref(),
  };
}

async function connectWithNode(path: string, events: SocketEvents): Promise<UnixSocket> {
  const { createConnection } = await import('node:net');
  const socket = createConnection({ path });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('data', (chunk: Buffer) => events.data(chunk));
  socket.on('error', (error) => events.error(error));
  socket.on('close', () => events.close());
  return {
    write: (bytes) => void socket.write(bytes),
    destroy: () => void socket.destroy(),
    ref: () => void socket.ref(),
    unref: () => void socket.unref(),
  };
}

/** bun's connect errors say "Failed to connect" and carry the code apart: word them as node:net does. */
function connectError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code) return new Error(`connect ${code} ${path}`);
  return error instanceof Error ? error : new Error(String(error));
}
