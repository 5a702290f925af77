/**
 * The D-Bus client's unix socket in the bun single file on Linux: socket(2), connect(2), send(2),
 * recv(2) and poll(2) from glibc through Bun.FFI, non-blocking, instead of Bun.connect, so that a
 * `get` never enters bun's event loop. Bun collects garbage on the first tick of its event loop (its
 * GC controller starts with a last heap size of 0, so any heap counts as doubled); `version` and the
 * pgp verbs never tick and never pay it. Measured on the single file (valgrind, warm-up thread and
 * concurrent GC off so runs compare): that collection is ~3-5 M of a keyring `get`'s ~27 M
 * instructions; Bun.connect's first data event ~3 M more.
 *
 * So reads are pumped from microtasks: after each write, once the continuations already queued have
 * run (they may add calls to the same round trip), one poll waits for the answer and hands it on.
 * Every poll blocks at most POLL_SLICE_MS; a slice that passes with nothing to read moves the pump to
 * the event loop (setImmediate), where the connection's own deadline timers can fire. Anything missing
 * (no Bun.FFI, not glibc, not Linux) gives undefined, and the caller uses bun's or Node's sockets.
 */
import { EAGAIN, EINTR, errnoCode } from '../fs/errno.js';
import { type LibcSocketSymbols, libcSockets } from '../runtime/libc.js';
import type { SocketEvents, UnixSocket } from './unix-socket.js';

// Linux values, the same on x86-64 and arm64 (the asm-generic ABI).
const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000; // a peer that closed gives EPIPE, not a SIGPIPE that kills the helper
const POLLIN = 0x1;
const POLLOUT = 0x4;
/** sizeof(struct sockaddr_un): a 2-byte family, then up to 108 bytes of path. */
const SOCKADDR_UN_BYTES = 110;
/** The longest wait inside one poll: the event loop (and the connection's deadline timers) run in between. */
const POLL_SLICE_MS = 25;
const READ_BYTES = 64 * 1024;
/** Reads per pump, and pumps from microtasks in all: a peer that never stops sending must not starve the
 * event loop, where connection.ts's deadlines fire (a get takes a few dozen pumps). */
const READS_PER_PUMP = 16;
const MICROTASK_PUMPS = 1000;

/** The sockaddr_un of `path`; a path that starts with NUL is a Linux abstract socket name (no trailing NUL). */
function socketAddress(path: string): { bytes: Uint8Array; length: number } | undefined {
  const name = new TextEncoder().encode(path);
  const abstract = name[0] === 0;
  // A filesystem path needs its terminating NUL inside sun_path.
  if (name.length > SOCKADDR_UN_BYTES - 2 - (abstract ? 0 : 1)) return undefined;
  const bytes = new Uint8Array(SOCKADDR_UN_BYTES);
  bytes[0] = AF_UNIX; // sa_family_t, little-endian on every Linux target bun has
  bytes.set(name, 2);
  return { bytes, length: abstract ? 2 + name.length : SOCKADDR_UN_BYTES };
}

/**
 * Connects to `path` through libc; undefined when libc cannot be used here. A failed connect throws an
 * Error worded as node:net words it ("connect ENOENT /path").
 */
export function connectLibcSocket(path: string, events: SocketEvents): UnixSocket | undefined {
  const c = libcSockets();
  if (!c) return undefined;
  const address = socketAddress(path);
  if (!address) throw new Error(`connect ENAMETOOLONG ${path}`);
  const fd = c.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket ${errnoCode(c.errno())}`);
  // A unix stream connect completes at once or fails; a listener whose backlog is full says EAGAIN.
  if (c.connect(fd, address.bytes, address.length) !== 0) {
    const code = errnoCode(c.errno());
    c.close(fd);
    throw new Error(`connect ${code} ${path}`);
  }
  return new LibcSocket(c, fd, events);
}

class LibcSocket implements UnixSocket {
  private outgoing: Uint8Array[] = [];
  private closed = false;
  /** Referenced: an answer is awaited, so reads are pumped. Like a new socket, it starts so. */
  private referenced = true;
  private pumpScheduled = false;
  /** Set once a poll slice passed with nothing to read: from then on the pump runs from the event loop. */
  private slow = false;
  private microtaskPumps = 0;
  private readonly pollFd = new Uint8Array(8); // struct pollfd { int fd; short events; short revents; }
  private readonly pollView = new DataView(this.pollFd.buffer);
  private readonly readBuffer = new Uint8Array(READ_BYTES);

  constructor(
    private readonly c: LibcSocketSymbols,
    private readonly fd: number,
    private readonly events: SocketEvents,
  ) {
    this.pollView.setInt32(0, fd, true);
  }

  write(bytes: Uint8Array): void {
    if (this.closed) return;
    this.outgoing.push(bytes);
    if (this.outgoing.length === 1) this.flush();
    this.schedulePump();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.outgoing = [];
    this.c.close(this.fd);
  }

  ref(): void {
    this.referenced = true;
    this.schedulePump();
  }

  unref(): void {
    this.referenced = false;
  }

  /** Sends what the kernel takes now; the rest waits for POLLOUT, in order. */
  private flush(): void {
    while (!this.closed && this.outgoing.length > 0) {
      const next = this.outgoing[0] as Uint8Array;
      const sent = this.c.send(this.fd, next, next.length, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (sent < 0) {
        const errno = this.c.errno();
        if (errno === EAGAIN || errno === EINTR) return;
        this.fail(`send ${errnoCode(errno)}`);
        return;
      }
      if (sent >= next.length) this.outgoing.shift();
      else this.outgoing[0] = next.subarray(sent);
    }
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    // Two microtask hops: the continuations already queued (a session opened next to a search) write first.
    if (!this.slow && ++this.microtaskPumps > MICROTASK_PUMPS) this.slow = true;
    if (this.slow) setImmediate(() => this.pump());
    else queueMicrotask(() => queueMicrotask(() => this.pump()));
  }

  /** One poll (at most POLL_SLICE_MS), then whatever it allows: send the rest, read what arrived. */
  private pump(): void {
    this.pumpScheduled = false;
    if (this.closed || (!this.referenced && this.outgoing.length === 0)) return;
    this.pollView.setInt16(4, POLLIN | (this.outgoing.length > 0 ? POLLOUT : 0), true);
    this.pollView.setInt16(6, 0, true);
    const ready = this.c.poll(this.pollFd, 1, POLL_SLICE_MS);
    if (ready < 0 && this.c.errno() !== EINTR) {
      this.fail(`poll ${errnoCode(this.c.errno())}`);
      return;
    }
    const revents = ready > 0 ? this.pollView.getInt16(6, true) : 0;
    if (revents & POLLOUT) this.flush();
    // POLLHUP and POLLERR come with POLLIN's meaning here: recv says what happened (0 = closed, -1 = why).
    if (revents & ~POLLOUT) this.readAvailable();
    else if (ready === 0) this.slow = true; // a slow peer: wait from the event loop, where deadlines fire
    if (!this.closed && (this.referenced || this.outgoing.length > 0)) this.schedulePump();
  }

  private readAvailable(): void {
    // poll reports POLLIN again for whatever is left after these.
    for (let reads = 0; reads < READS_PER_PUMP && !this.closed; reads++) {
      const count = this.c.recv(this.fd, this.readBuffer, READ_BYTES, MSG_DONTWAIT);
      if (count > 0) {
        // A copy: the read buffer is reused.
        this.events.data(Buffer.from(this.readBuffer.subarray(0, count)));
        continue;
      }
      if (count === 0) {
        this.destroy();
        this.events.close();
        return;
      }
      const errno = this.c.errno();
      if (errno !== EAGAIN && errno !== EINTR) this.fail(`recv ${errnoCode(errno)}`);
      return;
    }
  }

  private fail(detail: string): void {
    this.destroy();
    this.events.error(new Error(detail));
  }
}
