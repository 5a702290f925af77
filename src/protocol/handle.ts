/**
 * One protocol verb: input text in, output text out. Knows the Backend interface, never a backend.
 */
import type { Backend, StoredLogin } from '../backends/backend.js';
import { lookupCandidates } from '../docker/server-url.js';
import { TsstoreError, isTsstoreError } from '../errors.js';
import { formatCredentials, formatList, parseCredentialsInput, parseServerURLInput } from './codec.js';
import { CREDENTIALS_NOT_FOUND, type ProtocolVerb } from './messages.js';
import { versionLine } from './version-line.js';

export { versionLine } from './version-line.js';

/** Opens the store; `forWrite` lets a first `store` set tsstore up, while reads never write anything. */
export type OpenBackend = (options: { forWrite: boolean }) => Promise<Backend>;

/** Verbs that read stdin; `list` and `version` must not (stdin may be a terminal). */
export function verbReadsInput(verb: ProtocolVerb): verb is 'store' | 'get' | 'erase' {
  return verb === 'store' || verb === 'get' || verb === 'erase';
}

/** The exact key, else another spelling of the same registry; a miss stays the not-found error. */
export async function getWithAliases(backend: Backend, serverURL: string): Promise<StoredLogin> {
  if (backend.find) return findWithAliases(backend as Required<Pick<Backend, 'find'>>, serverURL);
  const [exact, ...aliases] = lookupCandidates(serverURL);
  try {
    return await backend.get(exact as string);
  } catch (error) {
    if (!isTsstoreError(error, 'not-found')) throw error;
    for (const alias of aliases) {
      try {
        return await backend.get(alias);
      } catch (aliasError) {
        if (!isTsstoreError(aliasError, 'not-found')) throw aliasError;
      }
    }
    throw error;
  }
}

/**
 * getWithAliases without an exception per spelling that misses. A `get` of a `host` that is not stored
 * tries 6 spellings (Docker Hub's up to 17); each miss through get() costs a file system error and a
 * TsstoreError thrown through two async frames. Single file, pgp store, `get` miss: 11.18 M -> 11.01 M
 * instructions (valgrind), 1227 -> 1174 page faults (perf stat, 21 runs, sh included).
 */
async function findWithAliases(backend: Required<Pick<Backend, 'find'>>, serverURL: string): Promise<StoredLogin> {
  for (const key of lookupCandidates(serverURL)) {
    const login = await backend.find(key);
    if (login) return login;
  }
  throw new TsstoreError('not-found', CREDENTIALS_NOT_FOUND);
}

/**
 * One small function per verb rather than one switch holding them all: the single file links a
 * function's whole bytecode the first time it runs, so each verb pays only for its own code.
 */
export async function handleVerb(verb: ProtocolVerb, input: string, openBackend: OpenBackend): Promise<string> {
  switch (verb) {
    case 'version':
      return versionLine();
    case 'store':
      return store(input, openBackend);
    case 'get':
      return get(input, openBackend);
    case 'erase':
      return erase(input, openBackend);
    case 'list':
      return list(openBackend);
  }
}

async function store(input: string, openBackend: OpenBackend): Promise<string> {
  const credentials = parseCredentialsInput(input);
  const backend = await openBackend({ forWrite: true });
  await backend.add(credentials.ServerURL, { username: credentials.Username, secret: credentials.Secret });
  return '';
}

async function get(input: string, openBackend: OpenBackend): Promise<string> {
  const serverURL = parseServerURLInput(input);
  const backend = await openBackend({ forWrite: false });
  const login = await getWithAliases(backend, serverURL);
  return formatCredentials({ ServerURL: serverURL, Username: login.username, Secret: login.secret });
}

async function erase(input: string, openBackend: OpenBackend): Promise<string> {
  const serverURL = parseServerURLInput(input);
  const backend = await openBackend({ forWrite: false });
  await backend.delete(serverURL);
  return '';
}

async function list(openBackend: OpenBackend): Promise<string> {
  const backend = await openBackend({ forWrite: false });
  return backend.listAnswer ? backend.listAnswer() : formatList(await backend.list());
}
