/**
 * What the helper and the agent say to each other, one framed JSON object each way per request.
 *
 * The agent decrypts on request and never hands the unlocked key out: a client sends an armored message
 * and gets the plaintext of that one message back. Whoever can talk to the socket can already ask it to
 * decrypt, but cannot carry the key away, and it dies with the agent.
 */
import { createHash } from 'node:crypto';

export const AGENT_PROTOCOL_VERSION = 1;

/** Names a key file's content without revealing it: the agent and its clients compare these. */
export function keyDigest(armoredKey: string): string {
  return createHash('sha256').update(armoredKey, 'utf8').digest('hex');
}

export type AgentRequest =
  | { op: 'status' }
  /** The agent reads the key file itself; only the passphrase travels. */
  | { op: 'unlock'; passphrase: string; ttlMs: number }
  /** `keyDigest`: SHA-256 of the key file the client sees, so an agent holding an older key says so. */
  | { op: 'decrypt'; message: string; keyDigest: string }
  | { op: 'lock' };

export interface AgentState {
  unlocked: boolean;
  pid: number;
  /** Epoch milliseconds at which the agent forgets the key and exits; null while it holds none. */
  expiresAt: number | null;
  fingerprint: string | null;
  /** keyDigest() of the key file it unlocked. */
  keyDigest: string | null;
}

export type AgentErrorCode = 'locked' | 'wrong-passphrase' | 'stale-key' | 'failed' | 'bad-request';

export type AgentResponse =
  | { ok: true; state: AgentState }
  | { ok: true; plaintext: string }
  | { ok: false; error: AgentErrorCode; message: string };

const ERROR_CODES: readonly string[] = ['locked', 'wrong-passphrase', 'stale-key', 'failed', 'bad-request'];

type Fields = Record<string, unknown>;

function object(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

/** The request in `value`, or a reason it is not one (never echoing its content: it may hold a passphrase). */
export function parseRequest(value: unknown): AgentRequest | { invalid: string } {
  const fields = object(value);
  if (!fields) return { invalid: 'not an object' };
  if (fields.v !== AGENT_PROTOCOL_VERSION) return { invalid: 'unsupported protocol version' };
  switch (fields.op) {
    case 'status':
    case 'lock':
      return { op: fields.op };
    case 'unlock': {
      const { passphrase, ttlMs } = fields;
      if (typeof passphrase !== 'string' || passphrase === '') return { invalid: 'unlock needs a passphrase' };
      if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs <= 0) return { invalid: 'unlock needs a positive ttlMs' };
      return { op: 'unlock', passphrase, ttlMs };
    }
    case 'decrypt': {
      const { message, keyDigest } = fields;
      if (typeof message !== 'string' || typeof keyDigest !== 'string') return { invalid: 'decrypt needs message and keyDigest' };
      return { op: 'decrypt', message, keyDigest };
    }
    default:
      return { invalid: 'unknown op' };
  }
}

export function requestFrame(request: AgentRequest): Fields {
  return { v: AGENT_PROTOCOL_VERSION, ...request };
}

export function responseFrame(response: AgentResponse): Fields {
  return { v: AGENT_PROTOCOL_VERSION, ...response };
}

function parseState(value: unknown): AgentState | undefined {
  const fields = object(value);
  if (!fields) return undefined;
  const { unlocked, pid, expiresAt, fingerprint, keyDigest: digest } = fields;
  if (typeof unlocked !== 'boolean' || typeof pid !== 'number') return undefined;
  if (expiresAt !== null && typeof expiresAt !== 'number') return undefined;
  if (fingerprint !== null && typeof fingerprint !== 'string') return undefined;
  if (digest !== null && typeof digest !== 'string') return undefined;
  return { unlocked, pid, expiresAt, fingerprint, keyDigest: digest };
}

/** The agent's answer, or undefined when it is not one this client understands. */
export function parseResponse(value: unknown): AgentResponse | undefined {
  const fields = object(value);
  if (!fields || fields.v !== AGENT_PROTOCOL_VERSION) return undefined;
  if (fields.ok === true) {
    if (typeof fields.plaintext === 'string') return { ok: true, plaintext: fields.plaintext };
    const state = parseState(fields.state);
    return state ? { ok: true, state } : undefined;
  }
  if (fields.ok === false && typeof fields.error === 'string' && ERROR_CODES.includes(fields.error) && typeof fields.message === 'string') {
    return { ok: false, error: fields.error as AgentErrorCode, message: fields.message };
  }
  return undefined;
}
