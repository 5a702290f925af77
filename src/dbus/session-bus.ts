/**
 * The session bus of this process: found from the environment, connected once, on first use, and kept
 * (it never keeps the process alive). Failing to find or reach it is an answer, never a thrown error.
 * A call that got no answer in time, or whose connection died, is remembered: the bus, or the service
 * called, is wedged, and whoever would wait on it without a deadline must not be sent there.
 */
import { fileCalls } from '../fs/file-calls.js';
import type { Environment } from '../config/paths.js';
import { type BusLocation, noBusDetail, sessionBusLocation } from './bus-address.js';
import { type CallTarget, DBusConnection, DBusError, NO_REPLY } from './connection.js';
import type { DBusValue } from './types.js';

export type BusProblem =
  /** No session bus address at all (SSH, containers, CI), or one that is not a unix socket. */
  | { state: 'no-bus'; detail: string }
  /** An address, but nothing answers there. */
  | { state: 'bus-unreachable'; address: string; detail: string };

const S_IFMT = 0o170000;
const S_IFSOCK = 0o140000;

/** Through file-calls.ts, not node:fs: a keyring verb need not load node:fs (about 6 ms under bun). */
export function socketExists(path: string): boolean {
  try {
    const stat = fileCalls().stat(path);
    return stat !== undefined && (stat.mode & S_IFMT) === S_IFSOCK;
  } catch {
    return false;
  }
}

export function findSessionBus(env: Environment): BusLocation {
  return sessionBusLocation(env, socketExists);
}

export class SessionBus {
  private connection: Promise<DBusConnection | BusProblem> | undefined;
  private busAddress = '';
  private unanswered: DBusError | undefined;

  /** `timeoutMs`: for connecting, and for each call. */
  constructor(
    private readonly env: Environment,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The connection (made once), or why there is none. Through libc it is there at once, before the
   * bus accepted us (DBusConnection.start): the first calls leave with AUTH and Hello. A refusal
   * that comes later fails those calls, and the connection is `broken`.
   */
  connect(): Promise<DBusConnection | BusProblem> {
    this.connection ??= Promise.resolve(this.start());
    return this.connection;
  }

  private start(): DBusConnection | BusProblem {
    const bus = findSessionBus(this.env);
    if (bus.kind !== 'socket') return { state: 'no-bus', detail: noBusDetail(bus) };
    this.busAddress = bus.display;
    try {
      return DBusConnection.start(bus.path, this.timeoutMs);
    } catch (error) {
      return { state: 'bus-unreachable', address: bus.display, detail: (error as Error).message };
    }
  }

  /** The address of the bus, once `connect` has looked for it. */
  get address(): string {
    return this.busAddress;
  }

  /** One method call on `connection`; rejects when it answers an error, or not in time. */
  call(connection: DBusConnection, target: CallTarget): Promise<DBusValue[]> {
    return connection.call(target).catch((error: unknown) => {
      // No answer in time, or the connection died: the service (or the bus) is wedged, not just saying no.
      if (error instanceof DBusError && (error.errorName === NO_REPLY || error.errorName === undefined)) this.unanswered ??= error;
      throw error;
    });
  }

  /** A call of this process that got no answer, with the bus address; undefined while every call was answered. */
  silence(): { address: string; detail: string } | undefined {
    return this.unanswered && { address: this.busAddress, detail: this.unanswered.message };
  }

  close(): void {
    void this.connection?.then((connection) => {
      if (connection instanceof DBusConnection) connection.close();
    });
  }
}
