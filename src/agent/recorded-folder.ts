/**
 * The agent folder of a store whose own paths are too long for a socket: `<tmp>/tsstore-<random>`,
 * named in a 0600 record inside the store. A fixed name there (`tsstore-<uid>`) could be made first by
 * any local user, who would then lock us out for good; a random one cannot be guessed, and when the
 * recorded folder is gone (a reboot cleared the temporary folder) or someone else's, a new one is made.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { TsstoreError, fileSystemError } from '../errors.js';
import { createFileExclusive, removeQuietly, writeFileAtomic } from '../fs/private-files.js';
import { readRegularFile } from '../fs/read-regular-file.js';
import { randomHex } from '../runtime/lazy-crypto.js';
import { type AgentLocation, type AgentPlace, agentDirProblem, parseRecord, recordText, RECORDED_SOCKET_NAME } from './location.js';

/** Enough to outlast a few names taken meanwhile; 64 random bits each, so more never happens. */
const NEW_FOLDER_TRIES = 4;
/** Each try that fails saw another process change the record; a few cover any real contention. */
const CLAIM_TRIES = 4;

/** The record is one path that fits a socket's 108 bytes; 4 KiB is more than any record we write. */
const MAX_RECORD_BYTES = 4 * 1024;

/** The record as read: its text, or that there is none, or that it cannot be read. */
type RecordState = { text: string } | 'none' | 'unreadable';

function readRecordState(recordFile: string): RecordState {
  // Not a regular file (a FIFO would block for good), too large, unreadable: a record we did not write.
  const outcome = readRegularFile(recordFile, { maxBytes: MAX_RECORD_BYTES });
  if (outcome.kind === 'read') return { text: outcome.bytes.toString('utf8') };
  return outcome.kind === 'missing' ? 'none' : 'unreadable';
}

function sameState(one: RecordState, two: RecordState): boolean {
  return typeof one === 'string' || typeof two === 'string' ? one === two : one.text === two.text;
}

/** The recorded location; 'none' when there is no record yet, 'invalid' when it holds something else. */
function recordedLocation(state: RecordState): AgentLocation | 'none' | 'invalid' {
  if (state === 'none') return 'none';
  if (state === 'unreadable') return 'invalid';
  return parseRecord(state.text) ?? 'invalid';
}

function readRecord(recordFile: string): AgentLocation | 'none' | 'invalid' {
  return recordedLocation(readRecordState(recordFile));
}

/**
 * Where clients look for the agent: one read of the record at most (the hot path of a `get` with a
 * locked key). Undefined when there is no record, so no agent of ours can be listening.
 */
export function findAgentLocation(place: AgentPlace): AgentLocation | undefined {
  if (place.kind === 'fixed') return place.location;
  const recorded = readRecord(place.recordFile);
  return typeof recorded === 'string' ? undefined : recorded;
}

/** Makes the recorded folder again (after a reboot); false when the name is taken by something not ours. */
function reuse(location: AgentLocation): boolean {
  try {
    mkdirSync(location.dir, { mode: 0o700 });
    chmodSync(location.dir, 0o700);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  const problem = agentDirProblem(location.dir);
  // Ours but looser: prepareAgentDir tightens it. Anything else (another uid, a symlink) is not ours.
  return problem === undefined || problem.startsWith('its mode');
}

function newFolder(parent: string): AgentLocation {
  let lastError: unknown;
  for (let attempt = 0; attempt < NEW_FOLDER_TRIES; attempt++) {
    const dir = join(parent, `tsstore-${randomHex(8)}`);
    try {
      mkdirSync(dir, { mode: 0o700 });
      chmodSync(dir, 0o700); // mkdir applied the umask
      return { dir, socket: join(dir, RECORDED_SOCKET_NAME), recorded: true };
    } catch (error) {
      lastError = error;
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') break;
    }
  }
  throw fileSystemError('create the agent folder in', parent, lastError);
}

/**
 * The successor of a record that names a folder we cannot use: the first process to create this file
 * (exclusively) picks the new folder, every other one that read the same record adopts it. Keyed by the
 * record's text, so a later record has a successor of its own.
 */
function successorFile(recordFile: string, state: RecordState): string {
  const seen = typeof state === 'string' ? state : createHash('sha256').update(state.text, 'utf8').digest('hex').slice(0, 16);
  return `${recordFile}.next-${seen}`;
}

function removeFolderQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // left empty in the temporary folder; harmless
  }
}

/**
 * Replaces a record that names a folder we cannot use (or nothing valid), compare-and-swap: the new
 * folder is agreed through the successor file, and the record is rewritten only while it still holds
 * what was read. Undefined when the record changed meanwhile: the caller reads it again.
 */
function replaceRecord(place: { recordFile: string; parent: string }, seen: RecordState): AgentLocation | undefined {
  const successor = successorFile(place.recordFile, seen);
  const fresh = newFolder(place.parent);
  let next: AgentLocation | undefined = fresh;
  if (!createFileExclusive(successor, recordText(fresh))) {
    removeFolderQuietly(fresh.dir);
    const picked = readRecord(successor);
    next = typeof picked === 'string' || !reuse(picked) ? undefined : picked;
    if (next === undefined) {
      // A successor we cannot use (left by a process killed long ago, its folder taken since): start over.
      removeQuietly(successor);
      return undefined;
    }
  }
  const text = recordText(next);
  const written = writeFileAtomic(place.recordFile, text, { accept: () => sameState(readRecordState(place.recordFile), seen) });
  // Another process that adopted the same successor may have written it first: that is agreement too.
  const agreed = written || sameState(readRecordState(place.recordFile), { text });
  if (!agreed && next === fresh) removeFolderQuietly(fresh.dir);
  // The record names the successor now (or moved on): its decision is no longer needed.
  removeQuietly(successor);
  return agreed ? next : undefined;
}

/**
 * The location to start an agent at, its folder made and recorded: the recorded one when it is ours
 * or can be made again, else a new random folder (and record). Concurrent first uses agree on one, and
 * so do concurrent uses that all find the recorded folder taken.
 */
export function claimAgentLocation(place: AgentPlace): AgentLocation {
  if (place.kind === 'fixed') return place.location;
  for (let attempt = 0; attempt < CLAIM_TRIES; attempt++) {
    const seen = readRecordState(place.recordFile);
    const recorded = recordedLocation(seen);
    if (typeof recorded !== 'string' && reuse(recorded)) return recorded;
    if (recorded !== 'none') {
      // The recorded name was taken by someone else (or the record is damaged): ours moves, the record with it.
      const moved = replaceRecord(place, seen);
      if (moved) return moved;
      continue;
    }
    const fresh = newFolder(place.parent);
    if (createFileExclusive(place.recordFile, recordText(fresh))) return fresh;
    // Another process recorded its folder first: use that one.
    removeFolderQuietly(fresh.dir);
  }
  throw new TsstoreError('backend-unavailable', `cannot settle on an agent folder: ${place.recordFile} keeps changing`);
}
