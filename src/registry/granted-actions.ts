/**
 * What a registry token grants on one repository, read from the token itself (pure). Registries' token
 * services (distribution's token auth, Docker Hub, Harbor, GitLab) answer a request for
 * `repository:NAME:pull,push` with a JWT whose `access` claim lists the actions they granted, which may
 * be fewer than asked for: that is how "may pull but not push" is told without pushing anything.
 *
 * The signature is deliberately not verified: we only read what the issuer says it granted, to tell a
 * person what the registry will allow; the registry verifies the token itself on every request, and the
 * certificate it trusts is in its own configuration, not here. Nothing is decided for security on this.
 */

export type GrantedActions =
  /** `actions`: what the token grants on the repository, sorted, without duplicates. */
  | { readable: true; actions: string[] }
  /** An opaque token, or a JWT without a usable `access` claim: the actions cannot be read. */
  | { readable: false; why: string };

const MAX_ACTIONS = 64;

export function grantedActions(token: string, repository: string): GrantedActions {
  const parts = token.split('.');
  if (parts.length !== 3) return { readable: false, why: 'the token is not a JWT' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return { readable: false, why: 'the token is not a JWT (its payload is not JSON)' };
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return { readable: false, why: 'the token is not a JWT (its payload is not an object)' };
  const access = (claims as Record<string, unknown>).access;
  // A JWT from a token service that grants nothing may leave the claim out (distribution's own does).
  if (access === undefined || access === null) return { readable: true, actions: [] };
  if (!Array.isArray(access)) return { readable: false, why: 'the token\'s "access" claim is not a list' };
  const actions = new Set<string>();
  for (const entry of access) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { type, name, actions: granted } = entry as Record<string, unknown>;
    if (type !== 'repository' || name !== repository || !Array.isArray(granted)) continue;
    for (const action of granted.slice(0, MAX_ACTIONS)) if (typeof action === 'string') actions.add(action);
  }
  return { readable: true, actions: [...actions].sort() };
}

/** `pull`, `push`: the actions doctor --image asks for, as a token scope. */
export function pullPushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}
