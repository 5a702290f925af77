/**
 * Which stored keys may answer a `get`, as pure functions. Clients disagree on how they name a registry
 * (docker: `https://index.docker.io/v1/` for Docker Hub and `host[:port]` for others; podman and skopeo:
 * `docker.io`; crane: `host/repo` before `host`; older tools: `https://host`). The exact key always wins;
 * the other spellings of the same registry follow. `erase` never uses this: it removes only what it is given.
 */

/** The key the docker CLI stores Docker Hub credentials under. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Like the docker CLI's ConvertToHostname: drop the scheme and everything from the first '/'. */
export function registryHost(serverURL: string): string {
  const withoutScheme = serverURL.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  return slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
}

export function isDockerHub(serverURL: string): boolean {
  return DOCKER_HUB_HOSTS.has(registryHost(serverURL).toLowerCase());
}

/** Keys to try for `get`, best first, without duplicates; the first is always `serverURL` itself. */
export function lookupCandidates(serverURL: string): string[] {
  const candidates = [serverURL];
  const host = registryHost(serverURL);
  if (host !== '') {
    const hosts = isDockerHub(serverURL)
      ? [DOCKER_HUB_KEY, 'docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1', 'https://index.docker.io']
      : [];
    for (const name of host === host.toLowerCase() ? [host] : [host, host.toLowerCase()]) {
      hosts.push(name, `https://${name}`, `http://${name}`, `${name}/`, `https://${name}/`, `http://${name}/`);
    }
    for (const key of hosts) if (!candidates.includes(key)) candidates.push(key);
  }
  return candidates;
}
