/**
 * The store key's secret half, for one decryption. In order:
 *   1. an agent holding the unlocked key decrypts (the key never leaves it; openpgp is not even loaded here);
 *   2. a key without passphrase decrypts here;
 *   3. a locked key: TSSTORE_PASSPHRASE_FILE, else the terminal (then the agent keeps it for the TTL),
 *      else one line saying what to run. Never a wait for input that cannot come.
 */
import { tmpdir } from 'node:os';
import type { PrivateKey } from 'openpgp';
import { agentMayBeRunning, askAgent } from '../../agent/client.js';
import { defaultTtl, formatDuration } from '../../agent/duration.js';
import { type AgentLocation, type AgentPlace, agentPlace, prepareAgentDir } from '../../agent/location.js';
import { claimAgentLocation, findAgentLocation } from '../../agent/recorded-folder.js';
import { type AgentState, keyDigest } from '../../agent/protocol.js';
import { startAgent } from '../../agent/start.js';
import type { Environment } from '../../config/paths.js';
import { TsstoreError, describeError } from '../../errors.js';
import { MAX_ATTEMPTS, lockedKeyAction, tooManyAttemptsMessage } from '../../passphrase/decide.js';
import { PASSPHRASE_FILE_VARIABLE, passphraseFilePath, readPassphraseFile } from '../../passphrase/passphrase-file.js';
import { acquirePromptLock } from '../../passphrase/prompt-lock.js';
import { PROMPT_TIMEOUT_MS, type Terminal, currentTerminalVerdict, openTerminal } from '../../passphrase/terminal.js';
import type { PgpBackend } from './pgp-backend.js';

export const LOCK_COMMAND = 'docker-credential-tsstore lock';

export interface KeyAccessOptions {
  env: Environment;
  /** false where nobody may be asked (doctor): a locked key then fails with the unlock command. */
  mayPrompt: boolean;
  /** What the key is needed for, shown in the prompt (`login for HOST`). */
  purpose?: string;
}

export function storeAgentPlace(backend: PgpBackend, env: Environment): AgentPlace {
  return agentPlace({ env, storeRoot: backend.layout.root, tmp: tmpdir() });
}

export async function decryptWithStoreKey(backend: PgpBackend, armoredMessage: string, source: string, options: KeyAccessOptions): Promise<string> {
  const keyText = backend.readPrivateKeyText();
  const digest = keyDigest(keyText);
  const place = storeAgentPlace(backend, options.env);
  const fromAgent = await decryptInAgent(findAgentLocation(place), armoredMessage, digest, source);
  if (fromAgent !== undefined) return fromAgent;

  const crypto = await import('./openpgp-crypto.js');
  const key = await crypto.readStorePrivateKey(keyText, backend.layout.privateKeyFile);
  if (!crypto.isLocked(key)) return crypto.decryptMessage(armoredMessage, key, source);
  const unlocked = await unlockLockedKey(backend, key, digest, place, options);
  if (unlocked.kind === 'key') return crypto.decryptMessage(armoredMessage, unlocked.key, source);
  const again = await decryptInAgent(unlocked.location, armoredMessage, digest, source);
  if (again === undefined) throw new TsstoreError('backend-unavailable', 'the tsstore agent lost the key it had just unlocked; try again');
  return again;
}

/** The plaintext, or undefined when no agent holds this store key unlocked. */
async function decryptInAgent(location: AgentLocation | undefined, message: string, digest: string, source: string): Promise<string | undefined> {
  if (!location || !agentMayBeRunning(location)) return undefined;
  const response = await askAgent(location, { op: 'decrypt', message, keyDigest: digest });
  if (!response) return undefined;
  if (response.ok) return 'plaintext' in response ? response.plaintext : undefined;
  if (response.error === 'locked' || response.error === 'stale-key') return undefined;
  throw new TsstoreError('store-corrupt', `cannot decrypt ${source}: it is damaged or was not encrypted to the store key`);
}

export type Unlocked = { kind: 'agent'; location: AgentLocation } | { kind: 'key'; key: PrivateKey };

async function unlockLockedKey(backend: PgpBackend, key: PrivateKey, digest: string, place: AgentPlace, options: KeyAccessOptions): Promise<Unlocked> {
  const verdict = options.mayPrompt ? currentTerminalVerdict() : 'none';
  const action = lockedKeyAction({ passphraseFile: passphraseFilePath(options.env) !== undefined, terminal: verdict, mayPrompt: options.mayPrompt });
  if (action.kind === 'fail') throw new TsstoreError('locked', action.message);
  if (action.kind === 'passphrase-file') return { kind: 'key', key: await unlockWithPassphraseFile(key, options.env) };
  const terminal = openTerminal(verdict);
  if (!terminal) {
    const fallback = lockedKeyAction({ passphraseFile: false, terminal: 'none', mayPrompt: true });
    throw new TsstoreError('locked', fallback.kind === 'fail' ? fallback.message : 'the store key is locked');
  }
  let lock: Awaited<ReturnType<typeof takePromptLock>>;
  try {
    lock = await takePromptLock(place);
  } catch (error) {
    terminal.close();
    throw error;
  }
  const location = lock.location;
  try {
    // Another get asked while this one waited: its answer is in the agent now.
    if (lock.waited && location && (await agentHolds(location, digest))) return { kind: 'agent', location };
    const ttlMs = defaultTtl(options.env);
    const unlocked = await unlockOnTerminal(terminal, { backend, key, location, ttlMs, purpose: options.purpose, requireAgent: false });
    terminal.say(
      unlocked.kind === 'agent'
        ? `tsstore: unlocked for ${formatDuration(ttlMs)}; ${LOCK_COMMAND} forgets it sooner`
        : 'tsstore: unlocked for this request only (the agent could not start)',
    );
    return unlocked;
  } finally {
    lock.release();
    terminal.close();
  }
}

/**
 * The agent's folder, made, and the prompt lock in it; without that folder, no lock and no location
 * (the agent cannot start either: the key is then unlocked in this process).
 */
async function takePromptLock(place: AgentPlace): Promise<{ location?: AgentLocation; waited: boolean; release(): void }> {
  let location: AgentLocation;
  try {
    location = claimAgentLocation(place);
    prepareAgentDir(location.dir);
  } catch {
    return { waited: false, release: () => undefined };
  }
  // As long as the other prompt may wait for its person, and a little more.
  const { lock, waited } = await acquirePromptLock(location.dir, PROMPT_TIMEOUT_MS + 5_000);
  return { location, waited, release: () => lock.release() };
}

async function agentHolds(location: AgentLocation, digest: string): Promise<boolean> {
  if (!agentMayBeRunning(location)) return false;
  const status = await askAgent(location, { op: 'status' });
  return Boolean(status?.ok && 'state' in status && status.state.unlocked && status.state.keyDigest === digest);
}

export async function unlockWithPassphraseFile(key: PrivateKey, env: Environment): Promise<PrivateKey> {
  const path = passphraseFilePath(env) as string;
  const passphrase = readPassphraseFile(path);
  const crypto = await import('./openpgp-crypto.js');
  try {
    return await crypto.unlockStoreKey(key, passphrase);
  } catch (error) {
    if (error instanceof crypto.WrongPassphraseError) {
      throw new TsstoreError('locked', `${PASSPHRASE_FILE_VARIABLE} ${path} does not hold the passphrase of the store key`);
    }
    throw error;
  }
}

export interface TerminalUnlock {
  backend: PgpBackend;
  /** The locked key, to unlock here when the agent cannot start. */
  key: PrivateKey;
  /** Where to start the agent; none when its folder cannot be made (the key is unlocked here instead). */
  location: AgentLocation | undefined;
  ttlMs: number;
  purpose?: string;
  /** `unlock` has no use for a key unlocked only in this process. */
  requireAgent: boolean;
}

/**
 * Asks for the passphrase up to MAX_ATTEMPTS times and has the agent unlock the key (started meanwhile,
 * while the person types). Three wrong passphrases leave everything as it was.
 */
export async function unlockOnTerminal(terminal: Terminal, job: TerminalUnlock): Promise<Unlocked> {
  const location = job.location;
  const starting = (location ? startAgent(location, job.backend.layout.root) : Promise.reject(new TsstoreError('backend-unavailable', 'its folder cannot be made'))).then(
    () => undefined,
    (error: unknown) => error,
  );
  const prompt = `Enter the tsstore passphrase${job.purpose ? ` (${job.purpose})` : ''}: `;
  try {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const passphrase = await terminal.ask(prompt);
      const startError = await starting;
      if (startError !== undefined && job.requireAgent) throw startError;
      const left = MAX_ATTEMPTS - attempt;
      const retry = left > 0 ? `; ${left} more ${left === 1 ? 'try' : 'tries'}` : '';
      if (passphrase === '') {
        terminal.say(`tsstore: the passphrase cannot be empty${retry}`);
        continue;
      }
      if (startError !== undefined || !location) {
        const crypto = await import('./openpgp-crypto.js');
        try {
          const key = await crypto.unlockStoreKey(job.key, passphrase);
          terminal.say(`tsstore: the agent did not start (${describeError(startError)})`);
          return { kind: 'key', key };
        } catch (error) {
          if (!(error instanceof crypto.WrongPassphraseError)) throw error;
          terminal.say(`tsstore: wrong passphrase${retry}`);
          continue;
        }
      }
      const response = await askAgent(location, { op: 'unlock', passphrase, ttlMs: job.ttlMs });
      if (response?.ok) return { kind: 'agent', location };
      if (response && !response.ok && response.error === 'wrong-passphrase') {
        terminal.say(`tsstore: wrong passphrase${retry}`);
        continue;
      }
      throw new TsstoreError('backend-unavailable', `the tsstore agent could not unlock the key: ${response && !response.ok ? response.message : 'it went away'}`);
    }
  } catch (error) {
    await releaseIdleAgent(location, starting);
    throw error;
  }
  await releaseIdleAgent(location, starting);
  throw new TsstoreError('locked', tooManyAttemptsMessage());
}

/** An agent that holds nothing has no reason to stay; one that held a key before keeps it (nothing changed). */
async function releaseIdleAgent(location: AgentLocation | undefined, starting: Promise<unknown>): Promise<void> {
  if ((await starting) !== undefined || !location) return;
  try {
    const status = await askAgent(location, { op: 'status' });
    if (status?.ok && 'state' in status && !status.state.unlocked) await askAgent(location, { op: 'lock' });
  } catch {
    // it will leave on its own when idle
  }
}

export type KeyState =
  | { kind: 'missing' }
  | { kind: 'unprotected' }
  | { kind: 'unlocked'; agent: AgentState }
  | { kind: 'passphrase-file' }
  | { kind: 'locked' };

/** How a verb would get at the key now, without asking anybody or starting anything. */
export async function storeKeyState(backend: PgpBackend, env: Environment): Promise<KeyState> {
  if (!backend.hasKey()) return { kind: 'missing' };
  const keyText = backend.readPrivateKeyText();
  const crypto = await import('./openpgp-crypto.js');
  const key = await crypto.readStorePrivateKey(keyText, backend.layout.privateKeyFile);
  if (!crypto.isLocked(key)) return { kind: 'unprotected' };
  const location = findAgentLocation(storeAgentPlace(backend, env));
  if (location && agentMayBeRunning(location)) {
    const status = await askAgent(location, { op: 'status' });
    if (status?.ok && 'state' in status && status.state.unlocked && status.state.keyDigest === keyDigest(keyText)) {
      return { kind: 'unlocked', agent: status.state };
    }
  }
  return passphraseFilePath(env) !== undefined ? { kind: 'passphrase-file' } : { kind: 'locked' };
}
