import { TsstoreError } from '../../src/errors.js';
import { CREDENTIALS_NOT_FOUND } from '../../src/protocol/messages.js';
import type { Backend, StoredLogin } from '../../src/backends/backend.js';

/** For unit tests of the layers above the backends only; never a stand-in for a real store. */
export class MemoryBackend implements Backend {
  readonly name = 'pgp' as const;
  readonly logins = new Map<string, StoredLogin>();

  async add(serverURL: string, login: StoredLogin): Promise<void> {
    this.logins.set(serverURL, { ...login });
  }

  async get(serverURL: string): Promise<StoredLogin> {
    const login = this.logins.get(serverURL);
    if (!login) throw new TsstoreError('not-found', CREDENTIALS_NOT_FOUND);
    return { ...login };
  }

  async delete(serverURL: string): Promise<void> {
    if (!this.logins.delete(serverURL)) throw new TsstoreError('not-found', CREDENTIALS_NOT_FOUND);
  }

  async list(): Promise<Map<string, string>> {
    return new Map([...this.logins].map(([serverURL, login]) => [serverURL, login.username]));
  }
}
