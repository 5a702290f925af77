/**
 * Asks the Secret Service over D-Bus what state it is in, without the native addon: is there a session
 * bus, does org.freedesktop.secrets answer, is the default collection there and unlocked, and which of
 * tsstore's items match (locked or not). Reading a secret is reader.ts's job, on this connection.
 */
import { statSync } from 'node:fs';
import type { Environment } from '../../../config/paths.js';
import { type BusLocation, sessionBusLocation } from '../../../dbus/bus-address.js';
import { DBusConnection, DBusError, NO_REPLY } from '../../../dbus/connection.js';
import type { DBusValue, DBusVariant } from '../../../dbus/types.js';

// The Secret Service's names, for this file, reader.ts and writer.ts.
const SECRETS = 'org.freedesktop.secrets';
export const SERVICE_PATH = '/org/freedesktop/secrets';
export const SERVICE_INTERFACE = 'org.freedesktop.Secret.Service';
export const COLLECTION_INTERFACE = 'org.freedesktop.Secret.Collection';
export const ITEM_INTERFACE = 'org.freedesktop.Secret.Item';
export const DEFAULT_ALIAS = '/org/freedesktop/secrets/aliases/default';
export const PROPERTIES_INTERFACE = 'org.freedesktop.DBus.Properties';

export interface CollectionInfo {
  path: string;
  label: string;
  locked: boolean;
}

export type SecretServiceState =
  /** No session bus address at all (SSH, containers, CI), or one that is not a unix socket. */
  | { state: 'no-bus'; detail: string }
  /** An address, but nothing answers there. */
  | { state: 'bus-unreachable'; address: string; detail: string }
  /** The bus answers; nothing provides org.freedesktop.secrets. */
  | { state: 'no-service'; address: string; detail: string }
  /** The bus answers and passes our call on, but the Secret Service does not answer in time (stopped, wedged). */
  | { state: 'service-silent'; address: string; detail: string }
  /** The Secret Service answers, but has no default collection (nowhere to store). */
  | { state: 'no-default-collection'; address: string }
  | { state: 'ready'; address: string; collection: CollectionInfo };

export interface ItemCount {
  unlocked: number;
  locked: number;
}

/** The object paths of the items SearchItems found. */
export interface ItemPaths {
  unlocked: string[];
  locked: string[];
}

export interface SecretServiceReport {
  service: SecretServiceState;
  /** With `attributes`: how many matching items are unlocked and locked, in any collection. */
  items?: ItemCount;
}

export interface ClientOptions {
  /** Start the Secret Service through D-Bus activation when it is not running (default: no). */
  autoStart?: boolean;
  /** For connecting, and for each call. */
  timeoutMs?: number;
}

export function socketExists(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

export function findSessionBus(env: Environment): BusLocation {
  return sessionBusLocation(env, socketExists);
}

/** Why there is no bus to talk to, for a location that is not a socket. */
export function noBusDetail(bus: BusLocation): string {
  if (bus.kind === 'unsupported') return `DBUS_SESSION_BUS_ADDRESS names no unix socket (${bus.display.slice(0, 120)})`;
  if (bus.kind === 'none' && bus.runtimeBus) {
    return `DBUS_SESSION_BUS_ADDRESS is not set, though a bus listens at ${bus.runtimeBus}: export DBUS_SESSION_BUS_ADDRESS=unix:path=${bus.runtimeBus}`;
  }
  return 'DBUS_SESSION_BUS_ADDRESS is not set';
}

/**
 * One connection to the session bus, kept for the life of the process (it never keeps the process
 * alive). Every answer that is not "ready" is a state, never a thrown error.
 */
export class SecretServiceClient {
  private connection: Promise<DBusConnection | SecretServiceState> | undefined;
  private state: Promise<SecretServiceState> | undefined;
  private busAddress = '';
  private readonly searches = new Map<string, Promise<ItemPaths | undefined>>();
  private unanswered: DBusError | undefined;

  constructor(
    private readonly env: Environment,
    private readonly options: ClientOptions = {},
  ) {}

  private connect(): Promise<DBusConnection | SecretServiceState> {
    this.connection ??= (async () => {
      const bus = findSessionBus(this.env);
      if (bus.kind !== 'socket') return { state: 'no-bus', detail: noBusDetail(bus) } as const;
      this.busAddress = bus.display;
      try {
        return await DBusConnection.open(bus.path, this.options.timeoutMs ?? 2000);
      } catch (error) {
        return { state: 'bus-unreachable', address: bus.display, detail: (error as Error).message } as const;
      }
    })();
    return this.connection;
  }

  private call(connection: DBusConnection, path: string, iface: string, member: string, signature?: string, body?: DBusValue[]) {
    return connection
      .call({ destination: SECRETS, path, interface: iface, member, signature, body, autoStart: this.options.autoStart ?? false })
      .catch((error: unknown) => {
        // No answer in time, or the connection died: the service (or the bus) is wedged, not just saying no.
        if (error instanceof DBusError && (error.errorName === NO_REPLY || error.errorName === undefined)) this.unanswered ??= error;
        throw error;
      });
  }

  /**
   * A call of this process that got no answer (the service or the bus is wedged), with the bus address;
   * undefined while every call was answered. The keyring library would wait for such a service for ever.
   */
  silence(): { address: string; detail: string } | undefined {
    return this.unanswered && { address: this.busAddress, detail: this.unanswered.message };
  }

  /** Whether there is a connection to the session bus (made once, on first use). */
  async connected(): Promise<boolean> {
    return (await this.connect()) instanceof DBusConnection;
  }

  /** One method call to the Secret Service; rejects when there is no connection or it answers an error. */
  async ask(path: string, iface: string, member: string, signature?: string, body?: DBusValue[]): Promise<DBusValue[]> {
    const connection = await this.connect();
    if (!(connection instanceof DBusConnection)) throw new DBusError(`no connection to the Secret Service (${connection.state})`);
    return this.call(connection, path, iface, member, signature, body);
  }

  /** The Secret Service's state: asked once, then remembered. */
  status(): Promise<SecretServiceState> {
    this.state ??= (async (): Promise<SecretServiceState> => {
      const connection = await this.connect();
      if (!(connection instanceof DBusConnection)) return connection;
      const address = this.busAddress;
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
        const collection: CollectionInfo = {
          path,
          label: stringProperty(values, 'Label') ?? path.split('/').pop() ?? path,
          locked: booleanProperty(values, 'Locked') ?? true,
        };
        return { state: 'ready', address, collection };
      } catch (error) {
        const detail = error instanceof DBusError ? error.message : String(error);
        // The bus took the connection and then did not answer (Hello) or dropped it: the bus is the problem.
        if (connection.broken) return { state: 'bus-unreachable', address, detail };
        if (error instanceof DBusError && error.errorName === NO_REPLY) return { state: 'service-silent', address, detail };
        // NameHasNoOwner / ServiceUnknown: nothing provides org.freedesktop.secrets.
        return { state: 'no-service', address, detail };
      }
    })();
    return this.state;
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
    void this.connection?.then((connection) => {
      if (connection instanceof DBusConnection) connection.close();
    });
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

function objectPaths(value: DBusValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((path): path is string => typeof path === 'string') : [];
}

/** `GetAll` answers a{sv}: an array of [name, variant] pairs. */
function property(properties: DBusValue | undefined, name: string): DBusValue | undefined {
  if (!Array.isArray(properties)) return undefined;
  for (const entry of properties) {
    if (Array.isArray(entry) && entry[0] === name) return (entry[1] as DBusVariant | undefined)?.value;
  }
  return undefined;
}

function stringProperty(properties: DBusValue | undefined, name: string): string | undefined {
  const value = property(properties, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function booleanProperty(properties: DBusValue | undefined, name: string): boolean | undefined {
  const value = property(properties, name);
  return typeof value === 'boolean' ? value : undefined;
}
