/**
 * Writes and deletes tsstore's items over tsstore's own D-Bus connection, so `store` and `erase` do not
 * load the native addon on Linux. Only the plain cases: the default collection is there and unlocked,
 * at most one item matches (unlocked, in that collection), and the service asks for no prompt. Anything
 * else answers "not done", and the library path (with the guard's explanations) does the work as before.
 * The secret crosses the bus encrypted with the session key (dh-session.ts), never in "plain".
 */
import { encryptSecret } from './dh-session.js';
import type { DirectRemove } from '../keyring-backend.js';
import { type SecretReader, numbers } from './reader.js';
import { COLLECTION_INTERFACE, DEFAULT_ALIAS, ITEM_INTERFACE, type SecretServiceClient } from './client.js';

/** What @napi-rs/keyring sets as the secret's content type. */
const CONTENT_TYPE = 'text/plain';
/** "No prompt needed" in the Secret Service API. */
const NO_PROMPT = '/';

/** What the writer needs of the client (tests pass a scripted service). */
export type SecretWriterCalls = Pick<SecretServiceClient, 'items' | 'ask' | 'status' | 'forgetSearches'>;

/** The item as the library writes it: its label and lookup attributes. */
export interface NewItem {
  label: string;
  attributes: Record<string, string>;
}

export class SecretWriter {
  constructor(
    private readonly client: SecretWriterCalls,
    private readonly sessions: Pick<SecretReader, 'encryptedSession'>,
  ) {}

  /** Creates (or replaces) the item holding `text`; false when the library must do it instead. */
  async write(item: NewItem, text: string): Promise<boolean> {
    // All three asked at once: the collection's state, the items already there, the encrypted session.
    const status = this.client.status();
    const found = this.client.items(item.attributes);
    const opening = this.sessions.encryptedSession();
    opening.catch(() => undefined); // awaited below only when the rest is plain
    try {
      const [state, paths] = await Promise.all([status, found]);
      if (state.state !== 'ready' || state.collection.locked || !paths) return false;
      // Another item elsewhere, or several: CreateItem here would not replace it; the library decides.
      if (paths.locked.length > 0 || paths.unlocked.length > 1) return false;
      if (paths.unlocked.some((path) => !path.startsWith(`${state.collection.path}/`))) return false;
      const session = await opening;
      if (!session) return false;
      const plaintext = new TextEncoder().encode(text);
      const { iv, ciphertext } = await encryptSecret(session.key, plaintext);
      plaintext.fill(0);
      const properties = [
        [`${ITEM_INTERFACE}.Label`, { signature: 's', value: item.label }],
        [`${ITEM_INTERFACE}.Attributes`, { signature: 'a{ss}', value: Object.entries(item.attributes) }],
      ];
      const secret = [session.path, numbers(iv), numbers(ciphertext), CONTENT_TYPE];
      this.client.forgetSearches(); // whatever the answer, the items may have changed
      const [created, prompt] = await this.client.ask(DEFAULT_ALIAS, COLLECTION_INTERFACE, 'CreateItem', 'a{sv}(oayays)b', [properties, secret, true]);
      // A prompt would need a person: the library path and its explanations take over.
      return typeof created === 'string' && created !== NO_PROMPT && prompt === NO_PROMPT;
    } catch {
      return false;
    }
  }

  /** Deletes the one unlocked item that matches `attributes`; 'absent' when none matches at all. */
  async remove(attributes: Record<string, string>): Promise<DirectRemove> {
    try {
      const paths = await this.client.items(attributes);
      if (!paths) return 'unknown';
      if (paths.unlocked.length + paths.locked.length === 0) return 'absent';
      const [item] = paths.unlocked;
      if (item === undefined || paths.unlocked.length > 1 || paths.locked.length > 0) return 'unknown';
      this.client.forgetSearches();
      const [prompt] = await this.client.ask(item, ITEM_INTERFACE, 'Delete');
      return prompt === NO_PROMPT ? 'deleted' : 'unknown';
    } catch {
      return 'unknown';
    }
  }
}
