/**
 * The encrypted session secrets cross the bus in (dh-session.ts), never "plain": opened once per
 * process, on first use, its cipher made once.
 */
import { byteArray, bytesOf } from '../../../dbus/types.js';
import type { SecretServiceClient } from './client.js';
import { DH_ALGORITHM, type DhKeyPair, createKeyPair, sharedSecret } from './dh-session.js';
import { type CipherMaker, type SessionCipher, sessionCipherMaker } from './session-cipher.js';
import { SERVICE_INTERFACE, SERVICE_PATH } from './names.js';

/** What the session needs of the client (tests pass a scripted service). */
export type SessionCalls = Pick<SecretServiceClient, 'ask'>;

export interface OpenSession {
  path: string;
  pair: DhKeyPair;
  peerPublicKey: Uint8Array;
  makeCipher: CipherMaker;
  cipher?: Promise<SessionCipher>;
}

export class EncryptedSession {
  private session: Promise<OpenSession | undefined> | undefined;

  constructor(private readonly client: SessionCalls) {}

  /** The session and its cipher, for writing; undefined when there is none. */
  async withCipher(): Promise<{ path: string; cipher: SessionCipher } | undefined> {
    const session = await this.open();
    return session && { path: session.path, cipher: await this.cipher(session) };
  }

  /** The session's cipher, made once. */
  cipher(session: OpenSession): Promise<SessionCipher> {
    // Queued behind the continuation of a call just made: the request is on the socket before the CPU work.
    if (!session.cipher) {
      session.cipher = Promise.resolve().then(async () => {
        const shared = sharedSecret(session.pair, session.peerPublicKey);
        try {
          return await session.makeCipher(shared);
        } finally {
          // The cipher holds its own key now: neither the shared secret nor the private key is needed again.
          shared.fill(0);
          session.pair.privateKey.fill(0);
        }
      });
      session.cipher.catch(() => undefined); // awaited later, after the reply: a failure must not go unhandled meanwhile
    }
    return session.cipher;
  }

  /** One encrypted session per process; undefined when the service refuses the algorithm or anything fails. */
  open(): Promise<OpenSession | undefined> {
    this.session ??= (async () => {
      // Everything inside: callers often never await a session they asked for (an absent item), so a
      // throw here (no randomness, no WebCrypto) would be an unhandled rejection instead of "no session".
      try {
        // The key pair (and libgcrypt's load) is computed once the connection is there, right after
        // the search is written (both wait for the connection alike), so both calls leave together and
        // the service answers them in one round trip. Awaiting connected() first took two more
        // microtask hops: the socket pump then blocked on the search's answer before OpenSession was
        // sent (strace: four round trips for a get hit, three now).
        const made: { pair?: DhKeyPair; makeCipher?: CipherMaker } = {};
        const [output, path] = await this.client.ask(SERVICE_PATH, SERVICE_INTERFACE, 'OpenSession', 'sv', () => {
          // Decided before the key pair: Web Crypto's set-up, where it is the cipher, runs meanwhile.
          made.makeCipher = sessionCipherMaker();
          made.pair = createKeyPair();
          return [DH_ALGORITHM, { signature: 'ay', value: byteArray(made.pair.publicKey) }];
        });
        const { pair, makeCipher } = made;
        const peer = typeof output === 'object' && !Array.isArray(output) && output.signature === 'ay' ? bytesOf(output.value) : new Uint8Array(0);
        if (typeof path !== 'string' || path === '/' || peer.length === 0 || !pair || !makeCipher) return undefined;
        return { path, pair, peerPublicKey: peer, makeCipher };
      } catch {
        return undefined;
      }
    })();
    return this.session;
  }
}
