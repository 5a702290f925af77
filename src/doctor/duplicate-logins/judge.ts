/**
 * duplicate-logins' judgement, as pure functions over what was read: which spellings of one registry a
 * store holds, which one docker reads (tsstore's own alias resolution, lookupCandidates, decides which
 * key answers docker's `get`), which others can go without any `get` answering differently, Docker
 * Desktop's token entries the docker CLI never reads, and `auths` entries no store holds a login for.
 */
import type { StoredLogin } from '../../backends/backend.js';
import type { DockerConfig } from '../../docker/config-file.js';
import { DOCKER_HUB_KEY, isDockerHub, isDockerHubTokenKey, lookupCandidates, namesRegistry, registryHost } from '../../docker/server-url.js';
import { isProbeKey } from '../probe-credential.js';
import { type StoreName, dockerStoreFor } from '../registry-login/logins.js';

export interface JudgeInput {
  /** tsstore's keys; undefined when the store could not be listed. */
  tsstoreKeys: readonly string[] | undefined;
  /** The logins read from tsstore, by key (a key whose login could not be read is absent). */
  tsstoreLogins: ReadonlyMap<string, StoredLogin>;
  /** Logins docker reads from elsewhere: config.json in plain text, or another helper. */
  otherLogins: ReadonlyArray<{ key: string; username: string; secret: string; store: StoreName }>;
  config: DockerConfig;
  /** `auths` keys whose store (the one docker uses for them) answered that it holds no login. */
  unheld: ReadonlySet<string>;
}

export type SpellingVerdict =
  /** docker's `get` is answered from it. */
  | { kind: 'read'; key: string; sent: string[] }
  /** Never read by docker, and erasing it changes no `get` answer: the same login answers instead. */
  | { kind: 'erase'; key: string; sameAs: string }
  /** Never read by docker, but another login than the one docker reads. */
  | { kind: 'differs'; key: string; username: string; readKey: string; readUsername: string; sent: string }
  /** The same login, kept: some other spelling would get another answer without it. */
  | { kind: 'kept'; key: string; sameAs: string }
  /** Its login (or the one docker reads) could not be read: nothing to compare. */
  | { kind: 'unreadable'; key: string };

export interface SpellingGroup {
  /** The key docker sends for this registry (the first one, when spellings differ in case). */
  registry: string;
  spellings: SpellingVerdict[];
  /** Kept keys that `docker logout` would not erase: docker would go on logging in with them. */
  logoutLeaves: string[];
}

/** Spellings of one registry a store other than tsstore holds: reported only. */
export interface OtherGroup {
  store: StoreName;
  registry: string;
  copies: Array<{ key: string; username: string }>;
  /** The key docker reads, when it can be told. */
  readKey: string | undefined;
}

/** A Docker Desktop token entry (`.../v1//access-token`), and where it is. */
export type Leftover = { key: string; where: 'tsstore' } | { key: string; where: 'config-plaintext' } | { key: string; where: 'helper'; helper: string };

export interface EmptyEntry {
  key: string;
  /** Where docker looks for its login. */
  store: StoreName;
  /** A Docker Desktop token key whose entry goes once the token itself is erased. */
  leftover: boolean;
}

export interface Judgement {
  groups: SpellingGroup[];
  others: OtherGroup[];
  leftovers: Leftover[];
  /** `auths` entries (`{}` or only `email`) with no login anywhere: removable from config.json. */
  emptyEntries: EmptyEntry[];
}

/** What --fix may erase from tsstore: the spellings docker never reads with the same login, and Desktop's tokens. */
export function erasable(judgement: Judgement): string[] {
  return [
    ...judgement.groups.flatMap((group) => group.spellings.flatMap((spelling) => (spelling.kind === 'erase' ? [spelling.key] : []))),
    ...judgement.leftovers.flatMap((leftover) => (leftover.where === 'tsstore' ? [leftover.key] : [])),
  ];
}

export function hasProblem(judgement: Judgement): boolean {
  return (
    judgement.groups.some((group) => group.spellings.some((spelling) => spelling.kind !== 'read')) ||
    judgement.others.length > 0 ||
    judgement.leftovers.length > 0 ||
    judgement.emptyEntries.length > 0
  );
}

/** Docker Desktop's token keys, `https://index.docker.io/v1//access-token` and `//refresh-token`. */
export function isDesktopTokenKey(key: string): boolean {
  return isDockerHubTokenKey(key) && key.startsWith(`${DOCKER_HUB_KEY}/`);
}

/**
 * A key that names a registry and nothing more: `host`, `host/`, `scheme://host`, `scheme://host/` (and
 * Docker Hub's `.../v1/`). crane's `host/repo` is left out: it may be a login of its own for one repository.
 */
export function isSpelling(key: string): boolean {
  const host = registryHost(key);
  if (host === '' || isProbeKey(key) || isDockerHubTokenKey(key) || !namesRegistry(key)) return false;
  if (!key.startsWith(host)) return true; // a scheme: namesRegistry allowed only a root path after it
  const rest = key.slice(host.length);
  return rest === '' || rest === '/';
}

/** The registry a spelling belongs to, and the key docker sends for it. */
function registryOf(key: string): { id: string; sent: string } {
  if (isDockerHub(key)) return { id: DOCKER_HUB_KEY, sent: DOCKER_HUB_KEY };
  const host = registryHost(key);
  return { id: host.toLowerCase(), sent: host };
}

/** The stored key tsstore's `get` answers `alias` from. */
function answer(alias: string, stored: ReadonlySet<string>): string | undefined {
  return lookupCandidates(alias).find((candidate) => stored.has(candidate));
}

function sameLogin(a: StoredLogin | undefined, b: StoredLogin | undefined): boolean {
  return a !== undefined && b !== undefined && a.username === b.username && a.secret === b.secret;
}

/** The keys `docker logout ADDR` erases: ADDR, its host, and the host with http:// and https://. */
function logoutErases(sent: string): string[] {
  const host = registryHost(sent);
  return [sent, host, `http://${host}`, `https://${host}`];
}

function groupBy<T>(items: readonly T[], id: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = id(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

/** One registry's spellings in tsstore (two or more). */
export function judgeSpellings(keys: readonly string[], allKeys: ReadonlySet<string>, logins: ReadonlyMap<string, StoredLogin>): SpellingGroup {
  const sent = [...new Set(keys.map((key) => registryOf(key).sent))];
  const readBy = new Map<string, string[]>();
  for (const name of sent) {
    const key = answer(name, allKeys);
    if (key !== undefined) readBy.set(key, [...(readBy.get(key) ?? []), name]);
  }
  // Every alias a client may send for this registry, with the key that answers it today.
  const aliases = new Set([...sent, ...keys].flatMap((key) => lookupCandidates(key)));
  const before = new Map([...aliases].map((alias) => [alias, answer(alias, allKeys)] as const));
  // Start from every readable spelling docker never reads; give back any whose going would change an answer.
  const erase = new Set(keys.filter((key) => !readBy.has(key) && logins.has(key)));
  for (let changed = true; changed; ) {
    changed = false;
    const remaining = new Set([...allKeys].filter((key) => !erase.has(key)));
    for (const [alias, was] of before) {
      if (was === undefined || !erase.has(was)) continue;
      const now = answer(alias, remaining);
      if (now === undefined || !sameLogin(logins.get(was), logins.get(now))) {
        erase.delete(was);
        changed = true;
      }
    }
  }
  const remaining = new Set([...allKeys].filter((key) => !erase.has(key)));
  // The keys docker reads first, then the others, each in key order.
  const ordered = [...keys].sort((a, b) => Number(readBy.has(b)) - Number(readBy.has(a)) || (a < b ? -1 : a > b ? 1 : 0));
  const spellings = ordered.map((key): SpellingVerdict => {
    const readers = readBy.get(key);
    if (readers !== undefined) return { kind: 'read', key, sent: readers };
    const name = registryOf(key).sent;
    const readKey = answer(name, allKeys);
    const own = logins.get(key);
    const read = readKey === undefined ? undefined : logins.get(readKey);
    if (erase.has(key)) return { kind: 'erase', key, sameAs: answer(key, remaining) ?? (readKey as string) };
    if (own === undefined || read === undefined || readKey === undefined) return { kind: 'unreadable', key };
    if (sameLogin(own, read)) return { kind: 'kept', key, sameAs: readKey };
    return { kind: 'differs', key, username: own.username, readKey, readUsername: read.username, sent: name };
  });
  const loggedOut = new Set(sent.flatMap(logoutErases));
  const logoutLeaves = keys.filter((key) => !erase.has(key) && !loggedOut.has(key));
  return { registry: sent[0] as string, spellings, logoutLeaves };
}

function authsOf(config: DockerConfig): Record<string, unknown> {
  const auths = config.auths;
  return typeof auths === 'object' && auths !== null && !Array.isArray(auths) ? (auths as Record<string, unknown>) : {};
}

/** `{}` or only an `email` (docker has not sent one since 1.11): nothing is lost with it but the entry. */
export function isEmptyEntry(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([field, content]) => field === 'email' && typeof content === 'string');
}

/**
 * Which key docker reads among another store's spellings: the key it sends, when that is one of them.
 * Otherwise it cannot be told: docker's file store takes the first key of that host a Go map gives (no
 * fixed order), and another helper matches spellings its own way.
 */
function otherReadKey(sent: string, copies: readonly string[]): string | undefined {
  return copies.includes(sent) ? sent : undefined;
}

export function judge(input: JudgeInput): Judgement {
  const tsstoreKeys = input.tsstoreKeys ?? [];
  const allKeys = new Set(tsstoreKeys);
  const groups = [...groupBy(tsstoreKeys.filter(isSpelling), (key) => registryOf(key).id).values()]
    .filter((keys) => keys.length > 1)
    .map((keys) => judgeSpellings(keys, allKeys, input.tsstoreLogins));

  const others = [...groupBy(input.otherLogins.filter((login) => isSpelling(login.key)), (login) => `${login.store}\u0000${registryOf(login.key).id}`).values()]
    .filter((copies) => copies.length > 1)
    .map((copies): OtherGroup => {
      const first = copies[0] as (typeof copies)[number];
      const sent = registryOf(first.key).sent;
      return {
        store: first.store,
        registry: sent,
        copies: copies.map(({ key, username }) => ({ key, username })),
        readKey: otherReadKey(
          sent,
          copies.map((copy) => copy.key),
        ),
      };
    });

  const auths = authsOf(input.config);
  const leftovers: Leftover[] = tsstoreKeys.filter(isDesktopTokenKey).map((key) => ({ key, where: 'tsstore' }));
  const emptyEntries: EmptyEntry[] = [];
  for (const [key, value] of Object.entries(auths)) {
    const store = dockerStoreFor(input.config, key);
    if (isDesktopTokenKey(key)) {
      if (isEmptyEntry(value)) {
        // tsstore's copy (if any) is erased by the same fix; another helper's is for the person to erase.
        if (store === 'config' || (store === 'tsstore' && input.tsstoreKeys !== undefined)) emptyEntries.push({ key, store, leftover: true });
        else if (store !== 'tsstore') leftovers.push({ key, where: 'helper', helper: store });
      } else if (store === 'config') {
        leftovers.push({ key, where: 'config-plaintext' });
      }
      continue;
    }
    if (!isEmptyEntry(value) || !input.unheld.has(key)) continue;
    // "No secret anywhere": not in docker's store for it, and not in tsstore under any spelling either.
    if (input.tsstoreKeys === undefined || answer(key, allKeys) !== undefined) continue;
    emptyEntries.push({ key, store, leftover: false });
  }
  return { groups, others, leftovers, emptyEntries };
}

/** config.json's value without the given `auths` entries, every other key and entry in its order. */
export function withoutEntries(config: DockerConfig, keys: readonly string[]): DockerConfig {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(authsOf(config))) {
    if (!keys.includes(key)) Object.defineProperty(kept, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return { ...config, auths: kept };
}
