/**
 * Asks the Secret Service over tsstore's own session bus connection (src/dbus/), without the native
 * addon: what state it is in, and which items match some attributes (locked or not). Reading and
 * writing secrets are reader.ts's and writer.ts's, on this connection.
 */
import type { Environment } from '../../../config/paths.js';
import { DBusConnection, DBusError, NO_REPLY } from '../../../dbus/connection.js';
import { SessionBus } from '../../../dbus/session-bus.js';
import type { DBusValue } from '../../../dbus/types.js';
import { COLLECTION_INTERFACE, DEFAULT_ALIAS, PROPERTIES_INTERFACE, SECRETS, SERVICE_INTERFACE, SERVICE_PATH } from './names.js';
import { type ItemCount, type ItemPaths, type SecretServiceReport, type SecretServiceState, collectionInfo, objectPaths } from './state.js';

export interface ClientOptions {
  /** Start the Secret Service through D-Bus activation when it is not running (default: no). */
  autoStart?: boolean;
  /** For connecting, and for each call. */
  timeoutMs?: number;
}

/** One client per process, on one connection. Every answer that is not "ready" is a state, never a thrown error. */
export class SecretServiceClient {
  private readonly bus: SessionBus;
  private state: Promise<SecretServiceState> | undefined;
  private readonly searches = new Map<string, Promise<ItemPaths | undefined>>();

  constructor(
    env: Environment,
    private readonly options: ClientOptions = {},
  ) {
    this.bus = new SessionBus(env, options.timeoutMs ?? 2000);
  }

  private call(connection: DBusConnection, path: string, iface: string, member: string, signature?: string, body?: DBusValue[]) {
    return this.bus.call(connection, { destination: SECRETS, path, interface: iface, member, signature, body, autoStart: this.options.autoStart ?? false });
  }

  /**
   * A call of this process that got no answer (the service or the bus is wedged), with the bus address;
   * undefined while every call was answered. The keyring library would wait for such a service for ever.
   */
  silence(): { address: string; detail: string } | undefined {
    return this.bus.silence();
  }

  /** Whether there is a connection to the session bus (made once, on first use). */
  async connected(): Promise<boolean> {
    return (await this.bus.connect()) instanceof DBusConnection;
  }

  /**
   * One method call to the Secret Service; rejects when there is no connection or it answers an error.
   * A `body` function runs once the connection is there, right before the call is written: costly
   * arguments (a key pair) are computed while the bus works on the calls already sent, and the call
   * still leaves in the same pump as those (no round trip of its own; libc-socket.ts).
   */
  async ask(path: string, iface: string, member: string, signature?: string, body?: DBusValue[] | (() => DBusValue[])): Promise<DBusValue[]> {
    const connection = await this.bus.connect();
    if (!(connection instanceof DBusConnection)) throw new DBusError(`no connection to the Secret Service (${connection.state})`);
    return this.call(connection, path, iface, member, signature, typeof body === 'function' ? body() : body);
  }

  /** The Secret Service's state: asked once, then remembered. */
  status(): Promise<SecretServiceState> {
    this.state ??= this.askStatus();
    return this.state;
  }

  private async askStatus(): Promise<SecretServiceState> {
    const connection = await this.bus.connect();
    if (!(connection instanceof DBusConnection)) return connection;
    const address = this.bus.address;
    const properties = (path: string) => this.call(connection, path, PROPERTIES_INTERFACE, 'GetAll', 's', [COLLECTION_INTERFACE]);
    // Both at once: where the default alias points, and that collection's properties through the alias.
    const byAlias = properties(DEFAULT_ALIAS).then(
      ([value]) => value,
      () => undefined,
    );
    try {
      const [path] = await this.call(connection, SERVICE_PATH, SERVICE_INTERFACE, 'ReadAlias', 's', ['default']);
      if (typeof path !== 'string' || path === '/') return { state: 'no-default-collection', address };
      const values = (await byAlias) ?? (await properties(path))[0];
      return { state: 'ready', address, collection: collectionInfo(path, values) };
    } catch (error) {
      const detail = error instanceof DBusError ? error.message : String(error);
      // The bus took the connection and then did not answer (Hello) or dropped it: the bus is the problem.
      if (connection.broken) return { state: 'bus-unreachable', address, detail };
      if (error instanceof DBusError && error.errorName === NO_REPLY) return { state: 'service-silent', address, detail };
      // NameHasNoOwner / ServiceUnknown: nothing provides org.freedesktop.secrets.
      return { state: 'no-service', address, detail };
    }
  }

  /** How many items match `attributes`, unlocked and locked; undefined when the service cannot be asked. */
  async count(attributes: Record<string, string>): Promise<ItemCount | undefined> {
    const paths = await this.items(attributes);
    return paths && { unlocked: paths.unlocked.length, locked: paths.locked.length };
  }

  /** The items that match `attributes` (each search asked once); undefined when the service cannot be asked. */
  items(attributes: Record<string, string>): Promise<ItemPaths | undefined> {
    const key = JSON.stringify(Object.entries(attributes).sort());
    let answer = this.searches.get(key);
    if (!answer) {
      answer = this.search(attributes);
      this.searches.set(key, answer);
    }
    return answer;
  }

  /** Drops the remembered searches: after a write or a delete they may be stale. */
  forgetSearches(): void {
    this.searches.clear();
  }

  private async search(attributes: Record<string, string>): Promise<ItemPaths | undefined> {
    const pairs: DBusValue[] = Object.entries(attributes).map(([key, value]) => [key, value]);
    try {
      const [unlocked, locked] = await this.ask(SERVICE_PATH, SERVICE_INTERFACE, 'SearchItems', 'a{ss}', [pairs]);
      return { unlocked: objectPaths(unlocked), locked: objectPaths(locked) };
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.bus.close();
  }
}

/** The state, and with `attributes` the matching items, in one short conversation. */
export async function inspectSecretService(
  env: Environment,
  options: ClientOptions & { attributes?: Record<string, string> } = {},
): Promise<SecretServiceReport> {
  const client = new SecretServiceClient(env, options);
  try {
    const service = await client.status();
    const items = options.attributes ? await client.count(options.attributes) : undefined;
    return items ? { service, items } : { service };
  } finally {
    client.close();
  }
}
