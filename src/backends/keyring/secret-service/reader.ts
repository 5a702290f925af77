/**
 * Reads tsstore's items straight from the Secret Service over tsstore's own D-Bus connection, so
 * `get` and `list` never load the native addon on Linux. It answers only the plain cases (exactly one
 * unlocked item; only unlocked items), with the same text @napi-rs/keyring's getPassword and
 * findCredentials would return; everything else (locked items, several items, a service that refuses
 * the encrypted session) is "unknown", and the library path with the guard's explanations answers.
 * Secrets cross the bus encrypted (dh-session.ts), never in "plain".
 */
import type { DBusValue } from '../../../dbus/types.js';
import { DH_ALGORITHM, type DhKeyPair, type SessionKey, createKeyPair, decryptSecret, deriveSessionKey, sharedSecret, warmUpWebCrypto } from './dh-session.js';
import type { DirectList, DirectRead } from '../keyring-backend.js';
import { ITEM_INTERFACE, PROPERTIES_INTERFACE, SERVICE_INTERFACE, SERVICE_PATH, type SecretServiceClient } from './client.js';

/** What the reader needs of the client (tests pass a scripted service). */
export type SecretServiceCalls = Pick<SecretServiceClient, 'items' | 'connected' | 'ask'>;

interface OpenSession {
  path: string;
  pair: DhKeyPair;
  peerPublicKey: Uint8Array;
  key?: Promise<SessionKey>;
}

export class SecretReader {
  private session: Promise<OpenSession | undefined> | undefined;

  constructor(private readonly client: SecretServiceCalls) {}

  /** The secret of the one item that matches `attributes` (as the library writes and looks them up). */
  async read(attributes: Record<string, string>): Promise<DirectRead> {
    const found = this.client.items(attributes);
    // The session is asked for right behind the search, its key pair computed while the service
    // searches: a found item then costs one round trip more, not two; a miss, about a key pair (~2 ms).
    const opening = this.openSession();
    const paths = await found;
    if (!paths) return { kind: 'unknown' };
    if (paths.unlocked.length + paths.locked.length === 0) return { kind: 'absent' };
    const [item] = paths.unlocked;
    if (item === undefined || paths.unlocked.length > 1 || paths.locked.length > 0) return { kind: 'unknown' };
    const session = await opening;
    if (!session) return { kind: 'unknown' };
    try {
      const reply = this.client.ask(item, ITEM_INTERFACE, 'GetSecret', 'o', [session.path]);
      const key = this.key(session);
      const [secret] = await reply;
      return { kind: 'secret', text: await decodeSecret(await key, secret) };
    } catch {
      // Locked meanwhile, gone meanwhile, not UTF-8 (the library refuses those too): its answer stands.
      return { kind: 'unknown' };
    }
  }

  /**
   * Every item that matches `attributes`, with its "username" attribute (the library's account) and
   * its secret, in one GetSecrets call. Only when all of them are unlocked, carry a username and hold
   * UTF-8; otherwise "unknown", and the library lists.
   */
  async readAll(attributes: Record<string, string>): Promise<DirectList> {
    const found = this.client.items(attributes);
    const opening = this.openSession();
    const paths = await found;
    if (!paths) return { kind: 'unknown' };
    if (paths.unlocked.length + paths.locked.length === 0) return { kind: 'absent' };
    if (paths.locked.length > 0) return { kind: 'unknown' };
    const session = await opening;
    if (!session) return { kind: 'unknown' };
    try {
      // All in one round trip: each item's attributes, and all the secrets.
      const accounts = paths.unlocked.map((item) => this.client.ask(item, PROPERTIES_INTERFACE, 'Get', 'ss', [ITEM_INTERFACE, 'Attributes']));
      const reply = this.client.ask(SERVICE_PATH, SERVICE_INTERFACE, 'GetSecrets', 'aoo', [paths.unlocked, session.path]);
      const key = this.key(session);
      const [attributeReplies, [secrets]] = await Promise.all([Promise.all(accounts), reply]);
      const byPath = new Map<string, DBusValue>();
      for (const entry of Array.isArray(secrets) ? secrets : []) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && entry[1] !== undefined) byPath.set(entry[0], entry[1]);
      }
      const accountNames = attributeReplies.map((body) => username(body[0]));
      if (accountNames.some((account) => account === undefined)) return { kind: 'unknown' };
      const sessionKey = await key;
      const texts = await Promise.all(paths.unlocked.map((item) => decodeSecret(sessionKey, byPath.get(item))));
      return { kind: 'items', items: texts.map((text, index) => ({ account: accountNames[index] as string, text })) };
    } catch {
      return { kind: 'unknown' };
    }
  }

  /** The encrypted session and its key, for writing (writer.ts); undefined when there is none. */
  async encryptedSession(): Promise<{ path: string; key: SessionKey } | undefined> {
    const session = await this.openSession();
    return session && { path: session.path, key: await this.key(session) };
  }

  /** The session's AES key, derived once. */
  private key(session: OpenSession): Promise<SessionKey> {
    // Queued behind the continuation of a call just made: the request is on the socket before the CPU work.
    if (!session.key) {
      session.key = Promise.resolve().then(() => deriveSessionKey(sharedSecret(session.pair, session.peerPublicKey)));
      session.key.catch(() => undefined); // awaited later, after the reply: a failure must not go unhandled meanwhile
    }
    return session.key;
  }

  /** One encrypted session per process; undefined when the service refuses the algorithm or fails. */
  private openSession(): Promise<OpenSession | undefined> {
    this.session ??= (async () => {
      // After the search's own wait for the connection: the search is on the socket before this runs.
      if (!(await this.client.connected())) return undefined;
      warmUpWebCrypto(); // its set-up runs while the key pair is computed and the service answers
      const pair = createKeyPair();
      try {
        const [output, path] = await this.client.ask(SERVICE_PATH, SERVICE_INTERFACE, 'OpenSession', 'sv', [
          DH_ALGORITHM,
          { signature: 'ay', value: numbers(pair.publicKey) },
        ]);
        const peer = typeof output === 'object' && !Array.isArray(output) && output.signature === 'ay' ? toBytes(output.value) : new Uint8Array(0);
        if (typeof path !== 'string' || path === '/' || peer.length === 0) return undefined;
        return { path, pair, peerPublicKey: peer };
      } catch {
        return undefined;
      }
    })();
    return this.session;
  }
}

/** A secret struct (oayays): its value decrypted with the parameters as IV, as strict UTF-8. */
async function decodeSecret(key: SessionKey, secret: DBusValue | undefined): Promise<string> {
  const [, parameters, value] = Array.isArray(secret) ? secret : [];
  const bytes = await decryptSecret(key, toBytes(parameters), toBytes(value));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The "username" attribute out of an Attributes property (a variant holding a{ss}). */
function username(variant: DBusValue | undefined): string | undefined {
  const pairs = typeof variant === 'object' && !Array.isArray(variant) ? variant.value : undefined;
  if (!Array.isArray(pairs)) return undefined;
  for (const pair of pairs) {
    if (Array.isArray(pair) && pair[0] === 'username' && typeof pair[1] === 'string') return pair[1];
  }
  return undefined;
}

// Plain loops, not Array.from / Uint8Array.from: under bun those builtins cost 1-3 ms on first use.

/** An `ay` as read off the wire (an array of numbers), as bytes; empty when it is anything else. */
function toBytes(value: DBusValue | undefined): Uint8Array {
  if (!Array.isArray(value)) return new Uint8Array(0);
  const bytes = new Uint8Array(value.length);
  for (let index = 0; index < value.length; index++) {
    const byte = value[index];
    if (typeof byte !== 'number') return new Uint8Array(0);
    bytes[index] = byte;
  }
  return bytes;
}

/** Bytes as an `ay` for the wire. */
export function numbers(bytes: Uint8Array): number[] {
  const values = new Array<number>(bytes.length);
  for (let index = 0; index < bytes.length; index++) values[index] = bytes[index] as number;
  return values;
}
