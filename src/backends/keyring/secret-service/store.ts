/**
 * The keyring backend's one interface to the Secret Service, over tsstore's own D-Bus client (the
 * "direct path": it needs neither the native addon nor node:net, and `get` of an unlocked item costs
 * a few ms instead of the addon's load). Every answer says what happened:
 * - 'declined': not a plain case (locked items, several items, a prompt, a refused session): the
 *   keyring library, the stated fallback, does it, and `explain` says what its empty answers mean;
 * - 'unavailable': the service cannot be reached, or left a call of ours unanswered: nothing may ask
 *   it now, the library least (it has no timeout of its own and would hang).
 */
import type { TsstoreError } from '../../../errors.js';
import { type ItemSearch, type KeyringItem, searchAttributes } from '../item-format.js';
import type { SecretServiceClient } from './client.js';
import { judgeReport } from './judge.js';
import { notAnsweringError, unreachableError } from './messages.js';
import { SecretReader, type SecretServiceCalls } from './reader.js';
import { EncryptedSession } from './session.js';
import type { SecretServiceState } from './state.js';
import { SecretWriter, type SecretWriterCalls } from './writer.js';

export type Declined = { kind: 'declined' };
export type Unavailable = { kind: 'unavailable'; error: TsstoreError };
/** No item at all, locked or not (a locked collection may still hide one: ask `explain`). */
export type Absent = { kind: 'absent' };

export type Lookup = { kind: 'found'; text: string } | Absent | Declined | Unavailable;
export type Listing = { kind: 'found'; items: Array<{ account: string; text: string }> } | Absent | Declined | Unavailable;
export type Stored = { kind: 'stored' } | Declined | Unavailable;
export type Deleted = { kind: 'deleted' } | Absent | Declined | Unavailable;

export interface SecretServiceStore {
  /** The secret of `item`. */
  get(item: KeyringItem): Promise<Lookup>;
  /** Every item of `service`, with its account. */
  list(service: string): Promise<Listing>;
  /** Creates or replaces `item`, holding `text`. */
  add(item: KeyringItem, text: string): Promise<Stored>;
  delete(item: KeyringItem): Promise<Deleted>;
  /**
   * Why an empty or failed answer (this store's or the library's) is not the truth: 'locked' or
   * 'backend-unavailable', counting the items of `search` when given; undefined when nothing is wrong.
   */
  explain(writing: boolean, search?: ItemSearch): Promise<TsstoreError | undefined>;
  /** `items` are about to be read: their searches may leave now, together (answers are remembered). */
  lookAhead?(items: KeyringItem[]): void;
}

/** What the store needs of the client (tests pass a scripted service). */
export type StoreCalls = SecretServiceCalls & SecretWriterCalls & Pick<SecretServiceClient, 'count' | 'silence'>;

export class DirectStore implements SecretServiceStore {
  private readonly reader: SecretReader;
  private readonly writer: SecretWriter;

  constructor(private readonly client: StoreCalls) {
    const session = new EncryptedSession(client);
    this.reader = new SecretReader(client, session);
    this.writer = new SecretWriter(client, session);
  }

  async get(item: KeyringItem): Promise<Lookup> {
    const read = await this.reader.read(item.attributes);
    return read.kind === 'declined' ? this.unlessEmpty(item.attributes) : read;
  }

  async list(service: string): Promise<Listing> {
    const attributes = searchAttributes({ service });
    const read = await this.reader.readAll(attributes);
    return read.kind === 'declined' ? this.unlessEmpty(attributes) : read;
  }

  async add(item: KeyringItem, text: string): Promise<Stored> {
    const written = await this.writer.write(item, text);
    return written.kind === 'declined' ? this.libraryMayAsk() : written;
  }

  async delete(item: KeyringItem): Promise<Deleted> {
    const removed = await this.writer.remove(item.attributes);
    return removed.kind === 'declined' ? this.unlessEmpty(item.attributes) : removed;
  }

  lookAhead(items: KeyringItem[]): void {
    // items() never rejects (a search that fails is undefined) and remembers each answer for the read.
    for (const item of items) void this.client.items(item.attributes);
  }

  async explain(writing: boolean, search?: ItemSearch): Promise<TsstoreError | undefined> {
    const [service, items] = await Promise.all([this.client.status(), search && this.client.count(searchAttributes(search))]);
    return judgeReport(items ? { service, items } : { service }, { writing });
  }

  /** After a declined read or delete: nothing matches at all (the library would find nothing either), or its turn. */
  private async unlessEmpty(attributes: Record<string, string>): Promise<Absent | Declined | Unavailable> {
    const [status, count] = await Promise.all([this.client.status(), this.client.count(attributes)]);
    const unreachable = unreachableUnlessEmpty(status);
    if (unreachable) return { kind: 'unavailable', error: unreachable };
    // A count that cannot be had: let the library look.
    if (count && count.unlocked + count.locked === 0) return { kind: 'absent' };
    return this.libraryMayAsk();
  }

  /** Declined, unless the service is unreachable or left a call unanswered (the library would hang). */
  private async libraryMayAsk(): Promise<Declined | Unavailable> {
    const unreachable = unreachableUnlessEmpty(await this.client.status());
    if (unreachable) return { kind: 'unavailable', error: unreachable };
    const silence = this.client.silence();
    if (silence) return { kind: 'unavailable', error: notAnsweringError(silence.address, silence.detail) };
    return { kind: 'declined' };
  }
}

/** A service without a default collection still answers (reads find nothing there); every other state but ready does not. */
function unreachableUnlessEmpty(status: SecretServiceState): TsstoreError | undefined {
  return status.state === 'no-default-collection' ? undefined : unreachableError(status);
}
