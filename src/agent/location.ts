/**
 * Where an agent listens, and the checks that make "only its own user can talk to it" true.
 *
 * Node and bun cannot read a unix socket peer's uid (SO_PEERCRED), so the file system does the job:
 * the socket lives in a folder that is ours and 0700, and connect(2) needs search permission on every
 * folder of the path. Only our uid (and root, who can read our memory anyway) can reach it. The agent
 * checks the folder before it listens and the client checks folder and socket before it connects, so
 * neither a passphrase nor a credential goes to a socket someone else planted.
 */
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync } from 'node:fs';
import { basename, isAbsolute, join, normalize, resolve } from 'node:path';
import { TsstoreError, fileSystemError } from '../errors.js';
import { onlyOwnerMayAccess } from '../fs/owner-only.js';
import { ensurePrivateDir } from '../fs/private-files.js';

export interface AgentLocation {
  dir: string;
  socket: string;
  /**
   * A folder under the shared temporary folder, named at random and recorded in the store: one that is
   * not ours there means another user took the name, not that something of ours is wrong, so clients
   * treat it as "no agent" instead of an error.
   */
  recorded?: true;
}

/** sun_path holds 108 bytes on Linux and 104 on macOS; stay clear of both. */
export const MAX_SOCKET_PATH_BYTES = 100;

export interface LocationInput {
  env: Readonly<Record<string, string | undefined>>;
  /** The pgp store's folder: one agent per store. */
  storeRoot: string;
  /** The temporary folder, for the rare store whose own path is too long for a socket. */
  tmp: string;
}

/** Where the agent of a store listens: known from the paths alone, or named in a record in the store. */
export type AgentPlace =
  | { kind: 'fixed'; location: AgentLocation }
  /**
   * The paths are too long for a socket: the agent lives in `<parent>/tsstore-<random>`, created by the
   * first process that starts one and written down in `recordFile`. Nobody else can read the store, so
   * nobody else can know the name before the folder exists, nor take it first.
   */
  | { kind: 'recorded'; recordFile: string; parent: string };

export const RECORD_FILE_NAME = 'agent-folder';
export const RECORDED_SOCKET_NAME = 'agent.sock';
const RECORDED_FOLDER = /^tsstore-[0-9a-f]{16}$/;
/** The longest folder name a record may hold: `tsstore-` and 16 hex digits. */
const RECORDED_FOLDER_LENGTH = 'tsstore-'.length + 16;

function fits(socket: string): boolean {
  return Buffer.byteLength(socket) <= MAX_SOCKET_PATH_BYTES;
}

/**
 * `$XDG_RUNTIME_DIR/tsstore/agent-<id>.sock` (a per-login tmpfs that logout clears), else
 * `<store>/agent/agent.sock`; a path too long for a socket moves to a recorded folder under `<tmp>`
 * (or `/tmp` when even that is too long). Pure: every client computes it on every get.
 */
export function agentPlace(input: LocationInput): AgentPlace {
  const root = resolve(input.storeRoot);
  const id = createHash('sha256').update(root, 'utf8').digest('hex').slice(0, 16);
  const runtime = input.env.XDG_RUNTIME_DIR;
  // The runtime folder is shared by every store of this user, so its sockets are named after the store.
  const shared = Boolean(runtime && isAbsolute(runtime));
  const dir = shared ? join(runtime as string, 'tsstore') : join(root, 'agent');
  const socket = join(dir, shared ? `agent-${id}.sock` : 'agent.sock');
  if (fits(socket)) return { kind: 'fixed', location: { dir, socket } };
  const longest = (parent: string) => join(parent, 'x'.repeat(RECORDED_FOLDER_LENGTH), RECORDED_SOCKET_NAME);
  const tmp = resolve(input.tmp);
  return { kind: 'recorded', recordFile: join(root, RECORD_FILE_NAME), parent: fits(longest(tmp)) ? tmp : '/tmp' };
}

/** The folder a record names, or undefined when the text is not a record we write. Pure. */
export function parseRecord(text: string): AgentLocation | undefined {
  const dir = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (!isAbsolute(dir) || dir.endsWith('/') || dir.includes('\n') || dir.includes('\0') || normalize(dir) !== dir) return undefined;
  if (!RECORDED_FOLDER.test(basename(dir))) return undefined;
  const socket = join(dir, RECORDED_SOCKET_NAME);
  return fits(socket) ? { dir, socket, recorded: true } : undefined;
}

export function recordText(location: AgentLocation): string {
  return `${location.dir}\n`;
}

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** Why `dir` may not hold our socket, or undefined when it is a real folder of ours that only we can enter. */
export function agentDirProblem(dir: string, uid = currentUid()): string | undefined {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : `it cannot be read (${(error as Error).message})`;
  }
  if (stat.isSymbolicLink() || !stat.isDirectory()) return 'it is not a folder';
  if (uid !== undefined && stat.uid !== uid) return `it belongs to uid ${stat.uid}, not to you`;
  if (!onlyOwnerMayAccess(stat.mode)) return `its mode is ${(stat.mode & 0o777).toString(8)}, not 700`;
  return undefined;
}

/** Why `socket` is not our agent's, or undefined when it is a socket of ours. */
export function agentSocketProblem(socket: string, uid = currentUid()): string | undefined {
  let stat;
  try {
    stat = lstatSync(socket);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : `it cannot be read (${(error as Error).message})`;
  }
  if (!stat.isSocket()) return 'it is not a socket';
  if (uid !== undefined && stat.uid !== uid) return `it belongs to uid ${stat.uid}, not to you`;
  return undefined;
}

/** Makes the agent's folder 0700, tightening one of ours that is looser; refuses anyone else's. */
export function prepareAgentDir(dir: string): void {
  ensurePrivateDir(dir);
  let problem = agentDirProblem(dir);
  if (problem?.startsWith('its mode')) {
    try {
      chmodSync(dir, 0o700);
    } catch (error) {
      throw fileSystemError('make private', dir, error);
    }
    problem = agentDirProblem(dir);
  }
  if (problem) throw new TsstoreError('unsafe-permissions', `the agent folder ${dir} cannot be used: ${problem}`);
}
