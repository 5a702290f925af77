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
import { isAbsolute, join, resolve } from 'node:path';
import { TsstoreError, fileSystemError } from '../errors.js';
import { ensurePrivateDir } from '../fs/private-files.js';

export interface AgentLocation {
  dir: string;
  socket: string;
}

/** sun_path holds 108 bytes on Linux and 104 on macOS; stay clear of both. */
export const MAX_SOCKET_PATH_BYTES = 100;

export interface LocationInput {
  env: Readonly<Record<string, string | undefined>>;
  /** The pgp store's folder: one agent per store. */
  storeRoot: string;
  uid: number;
  /** The temporary folder, for the rare store whose own path is too long for a socket. */
  tmp: string;
}

/**
 * `$XDG_RUNTIME_DIR/tsstore/agent-<id>.sock` (a per-login tmpfs that logout clears), else
 * `<store>/agent/agent.sock`; a path too long for a socket falls back to `<tmp>/tsstore-<uid>/`.
 */
export function agentLocation(input: LocationInput): AgentLocation {
  const root = resolve(input.storeRoot);
  const id = createHash('sha256').update(root, 'utf8').digest('hex').slice(0, 16);
  const runtime = input.env.XDG_RUNTIME_DIR;
  // The runtime folder is shared by every store of this user, so its sockets are named after the store.
  const shared = Boolean(runtime && isAbsolute(runtime));
  const dir = shared ? join(runtime as string, 'tsstore') : join(root, 'agent');
  const socket = join(dir, shared ? `agent-${id}.sock` : 'agent.sock');
  if (Buffer.byteLength(socket) <= MAX_SOCKET_PATH_BYTES) return { dir, socket };
  const fallback = join(input.tmp, `tsstore-${input.uid}`);
  return { dir: fallback, socket: join(fallback, `agent-${id}.sock`) };
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
  if (stat.mode & 0o077) return `its mode is ${(stat.mode & 0o777).toString(8)}, not 700`;
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
