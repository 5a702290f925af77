/**
 * A tiny D-Bus client over a unix socket: EXTERNAL authentication, Hello, method calls. Every step
 * has a deadline, so a wedged bus or service can never make a helper hang, and an idle connection
 * never keeps the process alive (the socket is referenced only while a call waits for its reply).
 */
import { MESSAGE_TYPE, type Message, type MethodCall, decodeMessage, encodeMethodCall, messageLength } from './message.js';
import type { DBusValue } from './types.js';
import { type SocketEvents, type UnixSocket, connectUnixSocket } from './unix-socket.js';

/** The error name of a call that got no answer in time (ours, or the bus daemon's own). */
export const NO_REPLY = 'org.freedesktop.DBus.Error.NoReply';

export class DBusError extends Error {
  override readonly name = 'DBusError';

  /** `errorName`: the D-Bus error name when the peer answered with one (org.freedesktop.DBus.Error.ServiceUnknown, ...). */
  constructor(
    message: string,
    readonly errorName?: string,
  ) {
    super(message);
  }
}

/** A method call as the client is asked for it; the client numbers it. */
export type CallTarget = Omit<MethodCall, 'serial'>;

interface Pending {
  resolve: (message: Message) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class DBusConnection {
  private serial = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private authWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private authenticated = false;
  private readonly replies = new Map<number, Pending>();
  private failure: Error | undefined;

  private socket: UnixSocket | undefined;
  /** Written before a socket that connects later (bun's, Node's) was there. */
  private readonly unsent: Uint8Array[] = [];

  private constructor(private readonly timeoutMs: number) {}

  private readonly events: SocketEvents = {
    data: (chunk) => this.receive(chunk),
    error: (error) => this.fail(new DBusError(`the D-Bus connection failed: ${error.message}`)),
    close: () => this.fail(new DBusError('the D-Bus connection was closed')),
  };

  /** Connects and authenticates as the current user within `timeoutMs`; each later call gets as long. */
  static async open(path: string, timeoutMs: number): Promise<DBusConnection> {
    let connection: DBusConnection | undefined;
    try {
      connection = DBusConnection.start(path, timeoutMs);
      await connection.accepted;
      return connection;
    } catch (error) {
      connection?.close();
      throw error;
    }
  }

  /**
   * Connects and writes AUTH, BEGIN and Hello; calls may be made at once, before the bus said OK
   * (the D-Bus spec lets a client pipeline messages after BEGIN, as sd-bus does): through libc they
   * leave before the first poll, so a keyring `get`'s SearchItems and OpenSession share the bus's
   * answer to AUTH and Hello (strace, single file against gnome-keyring: get hit and miss, store, list and erase each
   * one round trip fewer, a hit 3 -> 2, a miss 3 -> 2), and the key pair
   * is computed while the bus works. A refused or unanswered AUTH (within `timeoutMs`) fails the
   * connection: every call waiting then rejects with that error, and `accepted` too. Throws when a
   * connect through libc fails at once; a later connect's failure fails the connection the same way.
   */
  static start(path: string, timeoutMs: number): DBusConnection {
    const connection = new DBusConnection(timeoutMs);
    const timer = setTimeout(() => connection.fail(new DBusError('the D-Bus session bus did not answer in time')), timeoutMs);
    let socket: UnixSocket | Promise<UnixSocket>;
    try {
      socket = connectUnixSocket(path, connection.events);
    } catch (error) {
      clearTimeout(timer);
      throw new DBusError(`cannot connect to the D-Bus session bus: ${(error as Error).message}`);
    }
    if (socket instanceof Promise) {
      socket.then(
        // A connect that outlives the deadline: the deadline's error stands, the late socket is closed.
        (late) => (connection.failure ? late.destroy() : connection.attach(late)),
        (error: Error) => connection.fail(new DBusError(`cannot connect to the D-Bus session bus: ${error.message}`)),
      );
    } else connection.attach(socket);
    connection.accepted = connection.authenticate();
    connection.accepted.then(
      () => clearTimeout(timer),
      (error: Error) => {
        clearTimeout(timer);
        connection.fail(error);
      },
    );
    // Pipelined, as sd-bus does: AUTH, BEGIN and Hello leave in one round trip, which the bus's OK
    // line and Hello's answer come back in. Hello must be the first message; later calls need not
    // wait for its answer (the bus handles messages in order, and refusing Hello closes the
    // connection, failing them too). If the bus refuses AUTH, it never reads BEGIN or Hello as such.
    connection
      .call({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' })
      .catch((error: Error) => connection.fail(error));
    return connection;
  }

  /** Resolves once the bus accepted our AUTH; rejects with why not (refused, no answer in time, closed). */
  accepted: Promise<void> = Promise.resolve();

  /** The socket is there: what was written meanwhile leaves now, in order. */
  private attach(socket: UnixSocket): void {
    this.socket = socket;
    for (const bytes of this.unsent.splice(0)) socket.write(bytes);
    if (this.replies.size === 0) socket.unref();
  }

  close(): void {
    this.fail(new DBusError('the D-Bus connection was closed'));
  }

  /** Whether the connection failed (the bus closed it, or did not answer Hello): no call can succeed. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  fail(error: Error): void {
    if (!this.failure) this.failure = error;
    this.unsent.length = 0;
    this.authWaiter?.reject(error);
    this.authWaiter = undefined;
    for (const pending of this.replies.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.replies.clear();
    this.socket?.destroy();
  }

  /** Sends AUTH EXTERNAL and BEGIN at once; resolves when the bus answered OK. */
  private authenticate(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const uid = process.getuid?.() ?? 0;
    const hexUid = Buffer.from(String(uid), 'ascii').toString('hex');
    this.send(Buffer.from(`\u0000AUTH EXTERNAL ${hexUid}\r\nBEGIN\r\n`, 'ascii'));
    return new Promise((resolve, reject) => {
      this.authWaiter = { resolve, reject };
      this.drainLine();
    });
  }

  private send(bytes: Uint8Array): void {
    if (this.socket) this.socket.write(bytes);
    else this.unsent.push(bytes);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.authenticated) this.drainMessages();
    else this.drainLine();
  }

  /**
   * The bus's answer to AUTH, judged as soon as it is read: the replies to the calls pipelined behind
   * it may come in the same read or the next, and are messages, not lines (a bench `store` with 100
   * items in the keyring once read them as an overlong line when the switch waited for a microtask).
   */
  private drainLine(): void {
    const waiter = this.authWaiter;
    if (!waiter) return;
    const end = this.buffer.indexOf('\r\n');
    if (end < 0) {
      if (this.buffer.length > 4096) this.fail(new DBusError('the D-Bus session bus sent an overlong line'));
      return;
    }
    const line = this.buffer.toString('ascii', 0, end);
    this.buffer = this.buffer.subarray(end + 2);
    this.authWaiter = undefined;
    if (!line.startsWith('OK ')) {
      waiter.reject(new DBusError(`the D-Bus session bus refused us: ${line.slice(0, 80)}`));
      return;
    }
    this.authenticated = true;
    waiter.resolve();
    this.drainMessages();
  }

  private drainMessages(): void {
    for (;;) {
      let length: number | undefined;
      let message: Message;
      try {
        length = messageLength(this.buffer);
        if (length === undefined || this.buffer.length < length) return;
        message = decodeMessage(this.buffer.subarray(0, length));
      } catch (error) {
        this.fail(new DBusError(`the D-Bus session bus sent something unreadable: ${(error as Error).message}`));
        return;
      }
      this.buffer = this.buffer.subarray(length);
      if (message.replySerial === undefined) continue; // signals and calls to us: not our business
      const pending = this.replies.get(message.replySerial);
      if (!pending) continue;
      this.settle(message.replySerial, pending);
      pending.resolve(message);
    }
  }

  private settle(serial: number, pending: Pending): void {
    clearTimeout(pending.timer);
    this.replies.delete(serial);
    if (this.replies.size === 0) this.socket?.unref();
  }

  /** Calls a method and resolves with its reply's body; a D-Bus error reply rejects with a DBusError. */
  async call(target: CallTarget): Promise<DBusValue[]> {
    if (this.failure) throw this.failure;
    const serial = ++this.serial;
    const bytes = encodeMethodCall({ serial, ...target });
    const reply = await new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        const pending = this.replies.get(serial);
        if (pending) this.settle(serial, pending);
        reject(new DBusError(`${target.destination} did not answer ${target.member} in time`, NO_REPLY));
      }, this.timeoutMs);
      this.replies.set(serial, { resolve, reject, timer });
      this.socket?.ref();
      this.send(bytes);
    });
    if (reply.type === MESSAGE_TYPE.error) {
      const detail = typeof reply.body[0] === 'string' ? `: ${reply.body[0]}` : '';
      throw new DBusError(`${reply.errorName ?? 'D-Bus error'}${detail}`, reply.errorName ?? 'unknown');
    }
    return reply.body;
  }
}
