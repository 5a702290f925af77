/**
 * Which stored keys may answer a `get`, as pure functions. Clients disagree on how they name a registry
 * (docker: `https://index.docker.io/v1/` for Docker Hub and `host[:port]` for others; podman and skopeo:
 * `docker.io`; crane: `host/repo` before `host`; older tools: `https://host`). The exact key always wins;
 * the other spellings of the same registry follow. `erase` never uses this: it removes only what it is given.
 *
 * A key with a path after a scheme (`https://index.docker.io/v1/access-token`) is an entry of its own, not a
 * spelling of its registry: docker keeps Docker Hub's OAuth tokens under such keys, next to the Hub login,
 * and reads whatever `get` answers there as a token.
 */

/** The key the docker CLI stores Docker Hub credentials under. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
/** What may follow a Docker Hub host after a scheme and still name the Hub itself (`https://index.docker.io/v1`). */
const DOCKER_HUB_ROOTS = new Set(['', '/', '/v1', '/v1/']);
/** The docker CLI's web login (`.../access-token`) and Docker Desktop's (`.../v1//access-token`). */
// Written out, not built with flatMap: that builtin's first use costs every `get` 0.3 M instructions in the
// single file's interpreter (valgrind).
const DOCKER_HUB_TOKEN_KEYS = new Set([
  `${DOCKER_HUB_KEY}access-token`,
  `${DOCKER_HUB_KEY}/access-token`,
  `${DOCKER_HUB_KEY}refresh-token`,
  `${DOCKER_HUB_KEY}/refresh-token`,
]);

/**
 * The length of the URL scheme and '://' that `serverURL` starts with (`https://`, `oci://`...), 0 when
 * none: /^[a-z][a-z0-9+.-]*:\/\//i, without a regular expression (the first one a process runs costs the
 * single file 0.35-0.6 ms: src/fs/join-path.ts).
 */
function schemeLength(serverURL: string): number {
  for (let index = 0; index < serverURL.length; index++) {
    const code = serverURL.charCodeAt(index) | 0x20; // ASCII letters to lower case; other characters stay unequal
    const letter = code >= 0x61 && code <= 0x7a;
    if (index === 0 ? !letter : !letter && !isSchemeMark(serverURL.charCodeAt(index))) {
      return index > 0 && serverURL.startsWith('://', index) ? index + 3 : 0;
    }
  }
  return 0;
}

/** A digit, '+', '.' or '-': allowed after a scheme's first letter. */
function isSchemeMark(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2e || code === 0x2d;
}

/** Whether `serverURL` starts with a URL scheme (`https://`, `http://`, `oci://`...). */
export function hasScheme(serverURL: string): boolean {
  return schemeLength(serverURL) > 0;
}

/** Like the docker CLI's ConvertToHostname: drop the scheme and everything from the first '/'. */
export function registryHost(serverURL: string): string {
  const withoutScheme = serverURL.slice(schemeLength(serverURL));
  const slash = withoutScheme.indexOf('/');
  return slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
}

export function isDockerHub(serverURL: string): boolean {
  return DOCKER_HUB_HOSTS.has(registryHost(serverURL).toLowerCase());
}

/** Docker Hub's OAuth token entries: tokens docker reads back as tokens, not registry logins. */
export function isDockerHubTokenKey(serverURL: string): boolean {
  return DOCKER_HUB_TOKEN_KEYS.has(serverURL);
}

/**
 * Whether `serverURL` names a registry (so its other spellings may answer for it) rather than an entry
 * under one. Without a scheme it always does: `host`, `host/` and crane's `host/repo`. With a scheme only
 * `scheme://host` and `scheme://host/`, and for Docker Hub `.../v1` and `.../v1/` too.
 */
export function namesRegistry(serverURL: string): boolean {
  const scheme = schemeLength(serverURL);
  if (scheme === 0) return true;
  const withoutScheme = serverURL.slice(scheme);
  const slash = withoutScheme.indexOf('/');
  const path = slash === -1 ? '' : withoutScheme.slice(slash);
  return path === '' || path === '/' || (isDockerHub(serverURL) && DOCKER_HUB_ROOTS.has(path));
}

/** Keys to try for `get`, best first, without duplicates; the first is always `serverURL` itself. */
export function lookupCandidates(serverURL: string): string[] {
  const candidates = [serverURL];
  const host = registryHost(serverURL);
  if (host === '' || !namesRegistry(serverURL)) return candidates;
  const hosts = isDockerHub(serverURL)
    ? [DOCKER_HUB_KEY, 'docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1', 'https://index.docker.io']
    : [];
  for (const name of host === host.toLowerCase() ? [host] : [host, host.toLowerCase()]) {
    hosts.push(name, `https://${name}`, `http://${name}`, `${name}/`, `https://${name}/`, `http://${name}/`);
  }
  for (const key of hosts) if (!candidates.includes(key)) candidates.push(key);
  return candidates;
}
