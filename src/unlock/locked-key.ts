/**
 * A locked store key, once no agent had it unlocked: the passphrase file, else the terminal (one prompt
 * at a time per store, behind the prompt lock), else one line saying what to run.
 */
import type { PrivateKey } from 'openpgp';
import { defaultTtl, formatDuration } from '../agent/duration.js';
import { type AgentLocation, type AgentPlace, prepareAgentDir } from '../agent/location.js';
import { claimAgentLocation } from '../agent/recorded-folder.js';
import type { Environment } from '../config/paths.js';
import { TsstoreError, fileSystemError, isTsstoreError } from '../errors.js';
import { lockedKeyAction } from '../passphrase/decide.js';
import { PASSPHRASE_FILE_VARIABLE, passphraseFilePath, readPassphraseFile } from '../passphrase/passphrase-file.js';
import { acquirePromptLock } from '../passphrase/prompt-lock.js';
import { PROMPT_TIMEOUT_MS, type Terminal, currentTerminalVerdict, openTerminal } from '../passphrase/terminal.js';
import { agentHoldingKey } from './store-agent.js';
import { LOCK_COMMAND, type Unlocked, unlockOnTerminal } from './terminal-unlock.js';
import { tryPassphrase } from './try-passphrase.js';

export interface UnlockOptions {
  env: Environment;
  /** false where nobody may be asked (doctor): a locked key then fails with the unlock command. */
  mayPrompt: boolean;
}

export interface LockedKey {
  storeRoot: string;
  key: PrivateKey;
  /** Of the key file's text: what an agent holding it answers to. */
  digest: string;
  place: AgentPlace;
  purpose: string;
}

export async function unlockLockedKey(locked: LockedKey, options: UnlockOptions): Promise<Unlocked> {
  const verdict = options.mayPrompt ? currentTerminalVerdict() : 'none';
  const action = lockedKeyAction({ passphraseFile: passphraseFilePath(options.env) !== undefined, terminal: verdict, mayPrompt: options.mayPrompt });
  if (action.kind === 'fail') throw new TsstoreError('locked', action.message);
  if (action.kind === 'passphrase-file') return { kind: 'key', key: await unlockWithPassphraseFile(locked.key, options.env) };
  const terminal = openTerminal(verdict);
  if (!terminal) {
    const fallback = lockedKeyAction({ passphraseFile: false, terminal: 'none', mayPrompt: true });
    throw new TsstoreError('locked', fallback.kind === 'fail' ? fallback.message : 'the store key is locked');
  }
  try {
    const lock = await takePromptLock(locked.place);
    try {
      return await unlockBehindPromptLock(terminal, locked, lock, options.env);
    } finally {
      lock.release();
    }
  } finally {
    terminal.close();
  }
}

async function unlockBehindPromptLock(terminal: Terminal, locked: LockedKey, lock: PromptLockHeld, env: Environment): Promise<Unlocked> {
  const location = lock.location;
  // Another get asked while this one waited: its answer is in the agent now.
  if (lock.waited && location && (await agentHoldingKey(location, locked.digest))) return { kind: 'agent', location };
  const ttlMs = defaultTtl(env);
  const unlocked = await unlockOnTerminal(terminal, { storeRoot: locked.storeRoot, key: locked.key, location, ttlMs, purpose: locked.purpose, requireAgent: false });
  terminal.say(
    unlocked.kind === 'agent'
      ? `tsstore: unlocked for ${formatDuration(ttlMs)}; ${LOCK_COMMAND} forgets it sooner`
      : 'tsstore: unlocked for this request only (the agent could not start)',
  );
  return unlocked;
}

interface PromptLockHeld {
  location?: AgentLocation;
  waited: boolean;
  release(): void;
}

/**
 * The agent's folder, made, and the prompt lock in it; without that folder, no lock and no location
 * (the agent cannot start either: the key is then unlocked in this process).
 */
async function takePromptLock(place: AgentPlace): Promise<PromptLockHeld> {
  let location: AgentLocation;
  try {
    location = claimAgentLocation(place);
    prepareAgentDir(location.dir);
  } catch {
    return { waited: false, release: () => undefined };
  }
  try {
    // As long as the other prompt may wait for its person, and a little more.
    const { lock, waited } = await acquirePromptLock(location.dir, PROMPT_TIMEOUT_MS + 5_000);
    return { location, waited, release: () => lock.release() };
  } catch (error) {
    throw isTsstoreError(error) ? error : fileSystemError('take the prompt lock in', location.dir, error);
  }
}

export async function unlockWithPassphraseFile(key: PrivateKey, env: Environment): Promise<PrivateKey> {
  const path = passphraseFilePath(env) as string;
  const unlocked = await tryPassphrase(key, readPassphraseFile(path));
  if (!unlocked) throw new TsstoreError('locked', `${PASSPHRASE_FILE_VARIABLE} ${path} does not hold the passphrase of the store key`);
  return unlocked;
}
