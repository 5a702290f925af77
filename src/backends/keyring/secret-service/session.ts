/**
 * The encrypted session secrets cross the bus in (dh-session.ts), never "plain": opened once per
 * process, on first use, its AES key derived once.
 */
import { byteArray, bytesOf } from '../../../dbus/types.js';
import type { SecretServiceClient } from './client.js';
import { DH_ALGORITHM, type DhKeyPair, createKeyPair, sharedSecret, warmUpWebCrypto } from './dh-session.js';
import { type SessionCipher, sessionCipher, synchronousCipherAvailable } from './session-cipher.js';
import { SERVICE_INTERFACE, SERVICE_PATH } from './names.js';

/** What the session needs of the client (tests pass a scripted service). */
export type SessionCalls = Pick<SecretServiceClient, 'connected' | 'ask'>;

export interface OpenSession {
  path: string;
  pair: DhKeyPair;
  peerPublicKey: Uint8Array;
  key?: Promise<SessionCipher>;
}

export class EncryptedSession {
  private session: Promise<OpenSession | undefined> | undefined;

  constructor(private readonly client: SessionCalls) {}

  /** The session and its cipher, for writing; undefined when there is none. */
  async withKey(): Promise<{ path: string; key: SessionCipher } | undefined> {
    const session = await this.open();
    return session && { path: session.path, key: await this.key(session) };
  }

  /** The session's cipher, its key derived once. */
  key(session: OpenSession): Promise<SessionCipher> {
    // Queued behind the continuation of a call just made: the request is on the socket before the CPU work.
    if (!session.key) {
      session.key = Promise.resolve().then(() => sessionCipher(sharedSecret(session.pair, session.peerPublicKey)));
      session.key.catch(() => undefined); // awaited later, after the reply: a failure must not go unhandled meanwhile
    }
    return session.key;
  }

  /** One encrypted session per process; undefined when the service refuses the algorithm or anything fails. */
  open(): Promise<OpenSession | undefined> {
    this.session ??= (async () => {
      // Everything inside: callers often never await a session they asked for (an absent item), so a
      // throw here (no randomness, no WebCrypto) would be an unhandled rejection instead of "no session".
      try {
        // After the search's own wait for the connection: the search is on the socket before this runs.
        if (!(await this.client.connected())) return undefined;
        // Web Crypto's set-up runs while the key pair is computed and the service answers; the
        // synchronous cipher (session-cipher.ts) needs none, and must not start the event loop.
        if (!synchronousCipherAvailable()) warmUpWebCrypto();
        const pair = createKeyPair();
        const [output, path] = await this.client.ask(SERVICE_PATH, SERVICE_INTERFACE, 'OpenSession', 'sv', [
          DH_ALGORITHM,
          { signature: 'ay', value: byteArray(pair.publicKey) },
        ]);
        const peer = typeof output === 'object' && !Array.isArray(output) && output.signature === 'ay' ? bytesOf(output.value) : new Uint8Array(0);
        if (typeof path !== 'string' || path === '/' || peer.length === 0) return undefined;
        return { path, pair, peerPublicKey: peer };
      } catch {
        return undefined;
      }
    })();
    return this.session;
  }
}
