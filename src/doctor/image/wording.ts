/**
 * What doctor --image says about one image, as pure functions: the registry's verdict for pull and for
 * push, and Docker Hub's namespace rule. Nothing here ever sees a secret.
 */
import { type ImageReference, fullName } from '../../docker/image-reference.js';
import { shellQuote } from '../../text/shell-quote.js';
import type { RegistryTarget } from '../../registry/endpoints.js';
import { IDENTITY_TOKEN_USERNAME, type ProbeResult } from '../../registry/login-probe.js';
import { type Subject, type WordingPaths, describeProbe } from '../registry-login/wording.js';

export interface ImageVerdict {
  status: 'ok' | 'problem' | 'skipped';
  line: string;
  commands: string[];
}

export const DENIED = 'denied: requested access to the resource is denied';

function whoIs(username: string): string {
  return username === IDENTITY_TOKEN_USERNAME ? 'the identity token' : username;
}

/** The registry's verdict on pull and push of `reference` for the login in `subject`. */
export function describeAccess(result: ProbeResult, subject: Subject, target: RegistryTarget, reference: ImageReference, paths: WordingPaths, insecure = ''): ImageVerdict {
  const who = whoIs(subject.username);
  const { path } = reference;
  if (result.kind === 'unreachable') {
    return { status: 'skipped', line: `no verdict from the registry: cannot reach ${result.url}: ${result.reason}`, commands: [] };
  }
  if (result.kind !== 'ok') {
    const verdict = describeProbe(result, subject, target, paths);
    return { status: 'problem', line: verdict.line, commands: verdict.commands };
  }
  switch (result.how) {
    case 'anonymous':
      return { status: 'ok', line: `${target.indexName} asks for no login (${result.url} answers without one)${insecure}: docker pulls and pushes ${path} without credentials`, commands: [] };
    case 'basic':
      return {
        status: 'ok',
        line:
          `the registry accepts ${who}'s login (Basic authentication at ${result.url})${insecure}; Basic authentication does not tell pull from push, ` +
          `so whether ${who} may push ${path} shows only when a push is tried`,
        commands: [],
      };
    case 'token': {
      const accepted = `the registry accepts ${who}'s login (token authentication at ${result.url})${insecure}`;
      if (result.granted === undefined || !result.granted.readable) {
        const why = result.granted?.why ?? 'the token was not read';
        return { status: 'ok', line: `${accepted}, but ${why}: what it grants on ${path} cannot be read`, commands: [] };
      }
      return describeGrant(who, path, result.granted.actions, accepted);
    }
  }
}

/** "alice may pull but not push dream/base", from the actions a token service granted. */
export function describeGrant(who: string, path: string, actions: readonly string[], accepted: string): ImageVerdict {
  const all = actions.includes('*');
  const pull = all || actions.includes('pull');
  const push = all || actions.includes('push');
  const asked = `asked for repository:${path}:pull,push, the token grants`;
  if (pull && push) return { status: 'ok', line: `${who} may pull and push ${path}: ${asked} both; ${accepted}`, commands: [] };
  const what = pull ? `may pull but not push ${path}` : push ? `may push but not pull ${path}` : `may neither pull nor push ${path}`;
  const granted = pull ? 'pull only' : push ? 'push only' : 'nothing';
  const fails = pull ? `docker push fails with "${DENIED}"` : push ? 'docker pull fails' : `docker pull and docker push fail ("${DENIED}")`;
  const remedy = `the registry's administrator can grant ${who} access, or use a repository ${who} may ${pull ? 'push to' : 'pull'}`;
  return { status: 'problem', line: `${who} ${what}: ${asked} ${granted}, so ${fails}; ${remedy}; ${accepted}`, commands: [] };
}

/**
 * Docker Hub lets a user push only into their own namespace (and organisations they belong to):
 * `bob/app` with alice's login is refused. Official images (`library/`) are pulled, never pushed by
 * users, so they get no advice. An identity token's user cannot be read here.
 */
export function hubNamespaceAdvice(reference: ImageReference, username: string): ImageVerdict | undefined {
  if (!reference.hub || username === IDENTITY_TOKEN_USERNAME) return undefined;
  const [namespace = '', ...rest] = reference.path.split('/');
  const user = username.toLowerCase();
  if (namespace === 'library' || namespace === user || rest.length === 0) return undefined;
  const target = `${user}/${rest.join('/')}${reference.tag !== undefined ? `:${reference.tag}` : ''}`;
  return {
    status: 'problem',
    line:
      `${fullName(reference)} is in Docker Hub's namespace "${namespace}", but the login is ${username}'s: Docker Hub takes pushes from ${username} only into ` +
      `${user}/... (and organisations ${username} may write to), so docker push ${reference.given} fails with "${DENIED}"; tag the image into ${user}/ and push that`,
    commands: [`docker tag ${shellQuote(reference.given)} ${shellQuote(target)}`, `docker push ${shellQuote(target)}`],
  };
}
