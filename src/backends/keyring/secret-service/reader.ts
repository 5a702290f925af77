/**
 * Reads items straight from the Secret Service over tsstore's own D-Bus connection, so `get` and `list`
 * never load the native addon on Linux. It answers only the plain cases (exactly one unlocked item;
 * only unlocked items), with the same text @napi-rs/keyring's getPassword and findCredentials would
 * return; everything else (locked items, several items, a service that refuses the encrypted session)
 * it declines, for the library. Secrets cross the bus encrypted (session.ts), never in "plain".
 */
import { type DBusValue, bytesOf } from '../../../dbus/types.js';
import { accountOf } from '../item-format.js';
import type { SecretServiceClient } from './client.js';
import { ITEM_INTERFACE, PROPERTIES_INTERFACE, SERVICE_INTERFACE, SERVICE_PATH } from './names.js';
import type { SessionCipher } from './session-cipher.js';
import { EncryptedSession } from './session.js';

/** What the reader needs of the client (tests pass a scripted service). */
export type SecretServiceCalls = Pick<SecretServiceClient, 'items' | 'connected' | 'ask'>;

/** The secret of one item; 'absent': no item at all (locked or not); 'declined': the library must tell. */
export type ItemRead = { kind: 'found'; text: string } | { kind: 'absent' } | { kind: 'declined' };
/** Every matching item with its account; 'absent' and 'declined' as for one. */
export type ItemsRead = { kind: 'found'; items: Array<{ account: string; text: string }> } | { kind: 'absent' } | { kind: 'declined' };

const DECLINED = { kind: 'declined' } as const;

export class SecretReader {
  constructor(
    private readonly client: SecretServiceCalls,
    private readonly sessions = new EncryptedSession(client),
  ) {}

  /** The secret of the one item that matches `attributes` (as the library writes and looks them up). */
  async read(attributes: Record<string, string>): Promise<ItemRead> {
    const found = this.client.items(attributes);
    // The session is asked for right behind the search, its key pair computed while the service
    // searches: a found item then costs one round trip more, not two; a miss, about a key pair (~2 ms).
    const opening = this.sessions.open();
    const paths = await found;
    if (!paths) return DECLINED;
    if (paths.unlocked.length + paths.locked.length === 0) return { kind: 'absent' };
    const [item] = paths.unlocked;
    if (item === undefined || paths.unlocked.length > 1 || paths.locked.length > 0) return DECLINED;
    const session = await opening;
    if (!session) return DECLINED;
    try {
      const reply = this.client.ask(item, ITEM_INTERFACE, 'GetSecret', 'o', [session.path]);
      const cipher = this.sessions.cipher(session);
      const [secret] = await reply;
      return { kind: 'found', text: await decodeSecret(await cipher, secret) };
    } catch {
      // Locked meanwhile, gone meanwhile, not UTF-8 (the library refuses those too): its answer stands.
      return DECLINED;
    }
  }

  /**
   * Every item that matches `attributes`, with its account and its secret, in one GetSecrets call.
   * Only when all of them are unlocked, carry an account and hold UTF-8; otherwise declined, and the
   * library lists.
   */
  async readAll(attributes: Record<string, string>): Promise<ItemsRead> {
    const found = this.client.items(attributes);
    const opening = this.sessions.open();
    const paths = await found;
    if (!paths) return DECLINED;
    if (paths.unlocked.length + paths.locked.length === 0) return { kind: 'absent' };
    if (paths.locked.length > 0) return DECLINED;
    const session = await opening;
    if (!session) return DECLINED;
    try {
      // All in one round trip: each item's attributes, and all the secrets.
      const accounts = paths.unlocked.map((item) => this.client.ask(item, PROPERTIES_INTERFACE, 'Get', 'ss', [ITEM_INTERFACE, 'Attributes']));
      const reply = this.client.ask(SERVICE_PATH, SERVICE_INTERFACE, 'GetSecrets', 'aoo', [paths.unlocked, session.path]);
      const cipher = this.sessions.cipher(session);
      const [attributeReplies, [secrets]] = await Promise.all([Promise.all(accounts), reply]);
      const byPath = new Map<string, DBusValue>();
      for (const entry of Array.isArray(secrets) ? secrets : []) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && entry[1] !== undefined) byPath.set(entry[0], entry[1]);
      }
      const accountNames = attributeReplies.map((body) => accountOf(stringPairs(body[0])));
      if (accountNames.some((account) => account === undefined)) return DECLINED;
      const sessionCipher = await cipher;
      const texts = await Promise.all(paths.unlocked.map((item) => decodeSecret(sessionCipher, byPath.get(item))));
      return { kind: 'found', items: texts.map((text, index) => ({ account: accountNames[index] as string, text })) };
    } catch {
      return DECLINED;
    }
  }
}

/** A secret struct (oayays): its value decrypted with the parameters as IV, as strict UTF-8. */
async function decodeSecret(cipher: SessionCipher, secret: DBusValue | undefined): Promise<string> {
  const [, parameters, value] = Array.isArray(secret) ? secret : [];
  const bytes = await cipher.decrypt(bytesOf(parameters), bytesOf(value));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The string pairs of an Attributes property (a variant holding a{ss}). */
function stringPairs(variant: DBusValue | undefined): Array<[string, string]> {
  const pairs = typeof variant === 'object' && !Array.isArray(variant) ? variant.value : undefined;
  if (!Array.isArray(pairs)) return [];
  return pairs.filter((pair): pair is [string, string] => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string');
}
