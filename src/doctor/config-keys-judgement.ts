/**
 * config-keys' pure judgement: which top-level keys of config.json docker reads, and as what; which
 * credHelpers keys can never match; which registries DOCKER_AUTH_CONFIG covers; which logins root's
 * config.json and the sudo user's differ in. No I/O here, and no secret in any result.
 */
import { DOCKER_HUB_KEY, hasScheme, isDockerHub, isDockerHubTokenKey, registryHost } from '../docker/server-url.js';
import { findJsonError, positionOf } from '../json/position.js';

/** The docker CLI's ConfigFile fields (cli/config/configfile/file.go), by their JSON names. */
export const DOCKER_CONFIG_KEYS = [
  'auths',
  'HttpHeaders',
  'psFormat',
  'imagesFormat',
  'networksFormat',
  'pluginsFormat',
  'volumesFormat',
  'statsFormat',
  'detachKeys',
  'credsStore',
  'credHelpers',
  'serviceInspectFormat',
  'servicesFormat',
  'tasksFormat',
  'secretFormat',
  'configFormat',
  'nodesFormat',
  'pruneFilters',
  'proxies',
  'experimental',
  'currentContext',
  'cliPluginsExtraDirs',
  'plugins',
  'aliases',
  'features',
] as const;

export type KeyFinding =
  /** Go's encoding/json matches field names ignoring case: docker reads this key as `field`. */
  | { kind: 'case'; key: string; field: string }
  /** Docker ignores this key; `field` is the one it was most likely meant to be. */
  | { kind: 'misspelled'; key: string; field: string }
  /** Docker ignores this key, and it is no near miss of one docker reads (another tool's setting?). */
  | { kind: 'unknown'; key: string };

/** Misspellings too far from their field for the edit distance alone, or closer to another field. */
const KNOWN_SLIPS: Record<string, string> = {
  credstore: 'credsStore',
  credentialsstore: 'credsStore',
  credstores: 'credsStore',
  credhelper: 'credHelpers',
  credshelpers: 'credHelpers',
  credshelper: 'credHelpers',
  credentialhelpers: 'credHelpers',
  auth: 'auths',
  httpheader: 'HttpHeaders',
  proxy: 'proxies',
};

/** Pure: what docker makes of each top-level key that is not exactly one of its fields. */
export function judgeTopLevelKeys(keys: readonly string[]): KeyFinding[] {
  const exact = new Set<string>(DOCKER_CONFIG_KEYS);
  const findings: KeyFinding[] = [];
  for (const key of keys) {
    if (exact.has(key)) continue;
    const folded = key.toLowerCase();
    const sameCase = DOCKER_CONFIG_KEYS.find((field) => field.toLowerCase() === folded);
    if (sameCase) {
      findings.push({ kind: 'case', key, field: sameCase });
      continue;
    }
    const field = KNOWN_SLIPS[folded] ?? closestField(folded);
    findings.push(field ? { kind: 'misspelled', key, field } : { kind: 'unknown', key });
  }
  return findings;
}

/** The field within two edits (one for short keys), ignoring case; none when two are equally close. */
function closestField(folded: string): string | undefined {
  const limit = folded.length <= 5 ? 1 : 2;
  let best: { field: string; distance: number } | undefined;
  let tie = false;
  for (const field of DOCKER_CONFIG_KEYS) {
    const distance = editDistance(folded, field.toLowerCase());
    if (distance > limit) continue;
    if (!best || distance < best.distance) {
      best = { field, distance };
      tie = false;
    } else if (distance === best.distance) tie = true;
  }
  return best && !tie ? best.field : undefined;
}

/** Levenshtein distance, with a transposition counted as one edit (credsStroe). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = value;
    }
  }
  return at(a.length, b.length);
}

export type HelperKeyFinding =
  | { kind: 'wildcard'; key: string }
  /** A scheme or a path: docker looks helpers up by `host[:port]` alone; `host` is what to write instead. */
  | { kind: 'url'; key: string; host: string; hostAlsoGiven: boolean };

/**
 * Pure: credHelpers keys the docker CLI can never look up. It looks a helper up by the exact name it
 * stores logins under: `host[:port]`, or `https://index.docker.io/v1/` for Docker Hub.
 */
export function judgeCredHelperKeys(credHelpers: unknown): HelperKeyFinding[] {
  if (typeof credHelpers !== 'object' || credHelpers === null || Array.isArray(credHelpers)) return [];
  const keys = Object.keys(credHelpers);
  const findings: HelperKeyFinding[] = [];
  for (const key of keys) {
    if (key === DOCKER_HUB_KEY) continue;
    if (/[*?[\]]/.test(key)) {
      findings.push({ kind: 'wildcard', key });
      continue;
    }
    if (hasScheme(key) || key.includes('/')) {
      const host = isDockerHub(key) ? DOCKER_HUB_KEY : registryHost(key);
      findings.push({ kind: 'url', key, host, hostAlsoGiven: keys.includes(host) });
    }
  }
  return findings;
}

/** One name per registry, whatever the spelling: Docker Hub's key, else the lower-case `host[:port]`. */
export function registryName(key: string): string {
  return isDockerHub(key) ? DOCKER_HUB_KEY : registryHost(key).toLowerCase();
}

/** The logins an auths object holds, one name per registry (Docker Hub's token entries left out). */
export function loginNames(auths: unknown): string[] {
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) return [];
  const names = Object.keys(auths)
    .filter((key) => !isDockerHubTokenKey(key) && registryHost(key) !== '')
    .map(registryName);
  return [...new Set(names)].sort();
}

export type AuthConfigEnv =
  | { kind: 'unset' }
  | { kind: 'invalid'; reason: string }
  /** `covers`: the registries it gives logins for; `hides`: stored logins of config.json it wins over. */
  | { kind: 'set'; covers: string[]; hides: string[] };

/**
 * Pure: what DOCKER_AUTH_CONFIG does. The docker CLI (28.3 and later) reads it as a config.json and takes
 * its auths before config.json's. A parse error says where, never what (the text holds secrets).
 */
export function judgeAuthConfigEnv(value: string | undefined, storedAuths: unknown): AuthConfigEnv {
  if (value === undefined || value === '') return { kind: 'unset' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    const { line, column } = positionOf(value, findJsonError(value) ?? value.length);
    return { kind: 'invalid', reason: `is not valid JSON (line ${line}, column ${column})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { kind: 'invalid', reason: 'is not a JSON object' };
  const auths = (parsed as Record<string, unknown>).auths;
  if (auths !== undefined && (typeof auths !== 'object' || auths === null || Array.isArray(auths))) return { kind: 'invalid', reason: 'has an "auths" that is not an object' };
  const covers = loginNames(auths);
  const stored = new Set(loginNames(storedAuths));
  return { kind: 'set', covers, hides: covers.filter((name) => stored.has(name)) };
}

export interface SudoLogins {
  onlyRoot: string[];
  onlyUser: string[];
}

/** Pure: the logins only one of the two config.json files holds. */
export function compareSudoLogins(rootAuths: unknown, userAuths: unknown): SudoLogins {
  const root = loginNames(rootAuths);
  const user = loginNames(userAuths);
  return { onlyRoot: root.filter((name) => !user.includes(name)), onlyUser: user.filter((name) => !root.includes(name)) };
}

/** Pure: the home folder /etc/passwd gives the user `name`, if any. */
export function passwdHome(passwd: string, name: string): string | undefined {
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 7 && fields[5]) return fields[5];
  }
  return undefined;
}
