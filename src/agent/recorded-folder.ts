/**
 * The agent folder of a store whose own paths are too long for a socket: `<tmp>/tsstore-<random>`,
 * named in a 0600 record inside the store. A fixed name there (`tsstore-<uid>`) could be made first by
 * any local user, who would then lock us out for good; a random one cannot be guessed, and when the
 * recorded folder is gone (a reboot cleared the temporary folder) or someone else's, a new one is made.
 */
import { chmodSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { TsstoreError, fileSystemError } from '../errors.js';
import { createFileExclusive, writeFileAtomic } from '../fs/private-files.js';
import { randomHex } from '../runtime/lazy-crypto.js';
import { type AgentLocation, type AgentPlace, agentDirProblem, parseRecord, recordText, RECORDED_SOCKET_NAME } from './location.js';

/** Enough to outlast a few names taken meanwhile; 64 random bits each, so more never happens. */
const NEW_FOLDER_TRIES = 4;

/** The recorded location; 'none' when there is no record yet, 'invalid' when it holds something else. */
function readRecord(recordFile: string): AgentLocation | 'none' | 'invalid' {
  let text: string;
  try {
    text = readFileSync(recordFile, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'none' : 'invalid';
  }
  return parseRecord(text) ?? 'invalid';
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
 * The location to start an agent at, its folder made and recorded: the recorded one when it is ours
 * or can be made again, else a new random folder (and record). Concurrent first uses agree on one.
 */
export function claimAgentLocation(place: AgentPlace): AgentLocation {
  if (place.kind === 'fixed') return place.location;
  for (let attempt = 0; attempt < 2; attempt++) {
    const recorded = readRecord(place.recordFile);
    if (typeof recorded !== 'string' && reuse(recorded)) return recorded;
    const fresh = newFolder(place.parent);
    if (recorded !== 'none') {
      // The recorded name was taken by someone else (or the record is damaged): ours moves, the record with it.
      writeFileAtomic(place.recordFile, recordText(fresh));
      return fresh;
    }
    if (createFileExclusive(place.recordFile, recordText(fresh))) return fresh;
    // Another process recorded its folder first: use that one.
    try {
      rmdirSync(fresh.dir);
    } catch {
      // left empty in the temporary folder; harmless
    }
  }
  throw new TsstoreError('backend-unavailable', `cannot settle on an agent folder: ${place.recordFile} keeps changing`);
}
