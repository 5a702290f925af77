/**
 * Writes and deletes items over tsstore's own D-Bus connection, so `store` and `erase` do not load the
 * native addon on Linux. Only the plain cases: the default collection is there and unlocked, at most
 * one item matches (unlocked, in that collection), and the service asks for no prompt. Anything else
 * it declines, for the library. The secret crosses the bus encrypted with the session key
 * (session.ts), never in "plain".
 */
import { byteArray } from '../../../dbus/types.js';
import { type KeyringItem, SECRET_CONTENT_TYPE } from '../item-format.js';
import type { SecretServiceClient } from './client.js';
import { COLLECTION_INTERFACE, DEFAULT_ALIAS, ITEM_INTERFACE, NO_PROMPT } from './names.js';
import type { EncryptedSession } from './session.js';

/** What the writer needs of the client (tests pass a scripted service). */
export type SecretWriterCalls = Pick<SecretServiceClient, 'items' | 'ask' | 'status' | 'forgetSearches'>;

/** The item as the library writes it: its label and lookup attributes. */
export type NewItem = Pick<KeyringItem, 'label' | 'attributes'>;

export type ItemWrite = { kind: 'stored' } | { kind: 'declined' };
/** 'absent': no item at all matched (locked or not). */
export type ItemRemoval = { kind: 'deleted' } | { kind: 'absent' } | { kind: 'declined' };

const DECLINED = { kind: 'declined' } as const;

export class SecretWriter {
  constructor(
    private readonly client: SecretWriterCalls,
    private readonly sessions: Pick<EncryptedSession, 'withCipher'>,
  ) {}

  /** Creates (or replaces) the item holding `text`, or declines. */
  async write(item: NewItem, text: string): Promise<ItemWrite> {
    // All three asked at once: the collection's state, the items already there, the encrypted session.
    const status = this.client.status();
    const found = this.client.items(item.attributes);
    const opening = this.sessions.withCipher();
    opening.catch(() => undefined); // awaited below only when the rest is plain
    try {
      const [state, paths] = await Promise.all([status, found]);
      if (state.state !== 'ready' || state.collection.locked || !paths) return DECLINED;
      // Another item elsewhere, or several: CreateItem here would not replace it; the library decides.
      if (paths.locked.length > 0 || paths.unlocked.length > 1) return DECLINED;
      if (paths.unlocked.some((path) => !path.startsWith(`${state.collection.path}/`))) return DECLINED;
      const session = await opening;
      if (!session) return DECLINED;
      const plaintext = new TextEncoder().encode(text);
      const { iv, ciphertext } = await session.cipher.encrypt(plaintext);
      plaintext.fill(0);
      const properties = [
        [`${ITEM_INTERFACE}.Label`, { signature: 's', value: item.label }],
        [`${ITEM_INTERFACE}.Attributes`, { signature: 'a{ss}', value: Object.entries(item.attributes) }],
      ];
      const secret = [session.path, byteArray(iv), byteArray(ciphertext), SECRET_CONTENT_TYPE];
      this.client.forgetSearches(); // whatever the answer, the items may have changed
      const [created, prompt] = await this.client.ask(DEFAULT_ALIAS, COLLECTION_INTERFACE, 'CreateItem', 'a{sv}(oayays)b', [properties, secret, true]);
      // A prompt would need a person: the library path and its explanations take over.
      return typeof created === 'string' && created !== NO_PROMPT && prompt === NO_PROMPT ? { kind: 'stored' } : DECLINED;
    } catch {
      return DECLINED;
    }
  }

  /** Deletes the one unlocked item that matches `attributes`, or declines. */
  async remove(attributes: Record<string, string>): Promise<ItemRemoval> {
    try {
      const paths = await this.client.items(attributes);
      if (!paths) return DECLINED;
      if (paths.unlocked.length + paths.locked.length === 0) return { kind: 'absent' };
      const [item] = paths.unlocked;
      if (item === undefined || paths.unlocked.length > 1 || paths.locked.length > 0) return DECLINED;
      this.client.forgetSearches();
      const [prompt] = await this.client.ask(item, ITEM_INTERFACE, 'Delete');
      return prompt === NO_PROMPT ? { kind: 'deleted' } : DECLINED;
    } catch {
      return DECLINED;
    }
  }
}
