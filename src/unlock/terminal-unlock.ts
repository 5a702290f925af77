/**
 * Unlocking on the terminal: asks for the passphrase up to MAX_ATTEMPTS times and has the agent unlock
 * the key (started meanwhile, while the person types). Three wrong passphrases leave everything as it was.
 */
import type { PrivateKey } from 'openpgp';
import { askAgent } from '../agent/client.js';
import type { AgentLocation } from '../agent/location.js';
import { startAgent } from '../agent/start.js';
import { TsstoreError, describeError, isTsstoreError } from '../errors.js';
import { MAX_ATTEMPTS, tooManyAttemptsMessage } from '../passphrase/decide.js';
import type { Terminal } from '../passphrase/terminal.js';
import { tryPassphrase } from './try-passphrase.js';

export const LOCK_COMMAND = 'docker-credential-tsstore lock';

export type Unlocked = { kind: 'agent'; location: AgentLocation } | { kind: 'key'; key: PrivateKey };

export interface TerminalUnlock {
  /** The store's folder, which the agent serves. */
  storeRoot: string;
  /** The locked key, to unlock here when the agent cannot start. */
  key: PrivateKey;
  /** Where to start the agent; none when its folder cannot be made (the key is unlocked here instead). */
  location: AgentLocation | undefined;
  ttlMs: number;
  purpose?: string;
  /** `unlock` has no use for a key unlocked only in this process. */
  requireAgent: boolean;
}

/** Why the agent did not start; undefined once it listens. */
type AgentStart = Promise<TsstoreError | undefined>;

export async function unlockOnTerminal(terminal: Terminal, job: TerminalUnlock): Promise<Unlocked> {
  const starting = startAgentFor(job);
  let unlocked: Unlocked | undefined;
  try {
    unlocked = await askUntilUnlocked(terminal, job, starting);
  } finally {
    if (unlocked === undefined) await releaseIdleAgent(job.location, starting);
  }
  if (unlocked === undefined) throw new TsstoreError('locked', tooManyAttemptsMessage());
  return unlocked;
}

function startAgentFor(job: TerminalUnlock): AgentStart {
  if (!job.location) return Promise.resolve(new TsstoreError('backend-unavailable', 'its folder cannot be made'));
  return startAgent(job.location, job.storeRoot).then(
    () => undefined,
    (error: unknown) => (isTsstoreError(error) ? error : new TsstoreError('backend-unavailable', `cannot start the tsstore agent: ${describeError(error)}`, { cause: error })),
  );
}

/** The unlocked key or agent; undefined after MAX_ATTEMPTS wrong (or empty) passphrases. */
async function askUntilUnlocked(terminal: Terminal, job: TerminalUnlock, starting: AgentStart): Promise<Unlocked | undefined> {
  const prompt = `Enter the tsstore passphrase${job.purpose ? ` (${job.purpose})` : ''}: `;
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
    // Without an agent the key is unlocked in this process, for this request only.
    const unlocked = job.location && startError === undefined ? await unlockInAgent(job.location, passphrase, job.ttlMs) : await unlockHere(terminal, job.key, passphrase, startError);
    if (unlocked) return unlocked;
    terminal.say(`tsstore: wrong passphrase${retry}`);
  }
  return undefined;
}

/** The key unlocked in this process; undefined for a wrong passphrase. */
async function unlockHere(terminal: Terminal, locked: PrivateKey, passphrase: string, startError: TsstoreError | undefined): Promise<Unlocked | undefined> {
  const key = await tryPassphrase(locked, passphrase);
  if (!key) return undefined;
  terminal.say(`tsstore: the agent did not start (${describeError(startError)})`);
  return { kind: 'key', key };
}

/** The agent unlocked with `passphrase`; undefined when it is wrong. */
async function unlockInAgent(location: AgentLocation, passphrase: string, ttlMs: number): Promise<Unlocked | undefined> {
  const response = await askAgent(location, { op: 'unlock', passphrase, ttlMs });
  if (response?.ok) return { kind: 'agent', location };
  if (response && !response.ok && response.error === 'wrong-passphrase') return undefined;
  throw new TsstoreError('backend-unavailable', `the tsstore agent could not unlock the key: ${response && !response.ok ? response.message : 'it went away'}`);
}

/** An agent that holds nothing has no reason to stay; one that held a key before keeps it (nothing changed). */
async function releaseIdleAgent(location: AgentLocation | undefined, starting: AgentStart): Promise<void> {
  if ((await starting) !== undefined || !location) return;
  try {
    const status = await askAgent(location, { op: 'status' });
    if (status?.ok && 'state' in status && !status.state.unlocked) await askAgent(location, { op: 'lock' });
  } catch {
    // it will leave on its own when idle
  }
}
