/**
 * What doctor --image says about one image, as pure functions: the registry's verdict for pull and for
 * push, with the login docker sends or, when it has none, for anyone; Docker Hub's namespace rule. A
 * refused push is a warning unless the person asked about pushing (--push). Nothing here sees a secret.
 */
import { type ImageReference, fullName } from '../../docker/image-reference.js';
import { shellQuote } from '../../text/shell-quote.js';
import type { RegistryTarget } from '../../registry/endpoints.js';
import { IDENTITY_TOKEN_USERNAME, type ProbeResult } from '../../registry/login-probe.js';
import { type Subject, type WordingPaths, describeProbe, describeSubject, loginCommandFor } from '../registry-login/wording.js';

export interface ImageVerdict {
  /** 'warning': docker pull works, a push would not; with --push (`asked.push`) that is a problem instead. */
  status: 'ok' | 'warning' | 'problem' | 'skipped';
  line: string;
  commands: string[];
}

/** What the person asked about: pull only (the default), or pull and push (`doctor --image REF --push`). */
export interface Asked {
  push: boolean;
}

export const DENIED = 'denied: requested access to the resource is denied';
/** What docker pull prints when a Basic registry asks for a login and docker has none to send. */
export const NO_BASIC_CREDENTIALS = 'no basic auth credentials';

function whoIs(username: string): string {
  return username === IDENTITY_TOKEN_USERNAME ? 'the identity token' : username;
}

/** The name docker prints in its errors: `bob/app`, `nginx`, `127.0.0.1:5000/dream/app`. */
export function familiarName(reference: ImageReference): string {
  if (!reference.hub) return fullName(reference);
  return reference.path.startsWith('library/') && reference.path.split('/').length === 2 ? reference.path.slice('library/'.length) : reference.path;
}

/** docker pull's words for a repository it may not pull: private, or not there at all (registries do not tell). */
export function pullAccessDenied(reference: ImageReference): string {
  return `pull access denied for ${familiarName(reference)}, repository does not exist or may require 'docker login': ${DENIED}`;
}

/** A push that would be refused: a warning for a person who pulls, a problem for one who asked about pushing. */
function pushVerdict(asked: Asked, line: string, commands: string[]): ImageVerdict {
  return asked.push ? { status: 'problem', line, commands } : { status: 'warning', line: `warning: ${line}`, commands };
}

/** The registry's verdict on pull and push of `reference` for the login in `subject`. */
export function describeAccess(result: ProbeResult, subject: Subject, target: RegistryTarget, reference: ImageReference, paths: WordingPaths, asked: Asked, insecure = ''): ImageVerdict[] {
  const who = whoIs(subject.username);
  const { path } = reference;
  if (result.kind === 'unreachable') return [unreachable(result)];
  if (result.kind !== 'ok') {
    const verdict = describeProbe(result, subject, target, paths);
    return [{ status: 'problem', line: verdict.line, commands: verdict.commands }];
  }
  switch (result.how) {
    case 'anonymous':
      return [openRegistry(result.url, target, path, insecure)];
    case 'basic':
      return [
        {
          status: 'ok',
          line:
            `the registry accepts ${who}'s login (Basic authentication at ${result.url})${insecure}; Basic authentication does not tell pull from push, ` +
            `so whether ${who} may push ${path} shows only when a push is tried`,
          commands: [],
        },
      ];
    case 'token': {
      const accepted = `the registry accepts ${who}'s login (token authentication at ${result.url})${insecure}`;
      if (result.granted === undefined || !result.granted.readable) {
        const why = result.granted?.why ?? 'the token was not read';
        return [{ status: 'ok', line: `${accepted}, but ${why}: what it grants on ${path} cannot be read`, commands: [] }];
      }
      return describeGrant(who, path, result.granted.actions, accepted, asked);
    }
  }
}

function unreachable(result: { url: string; reason: string }): ImageVerdict {
  return { status: 'skipped', line: `no verdict from the registry: cannot reach ${result.url}: ${result.reason}`, commands: [] };
}

function openRegistry(url: string, target: RegistryTarget, path: string, insecure: string): ImageVerdict {
  return { status: 'ok', line: `${target.indexName} asks for no login (${url} answers without one)${insecure}: docker pulls and pushes ${path} without credentials`, commands: [] };
}

/** What the actions a token service granted allow docker: `*` is every action. */
export function pullAndPush(actions: readonly string[]): { pull: boolean; push: boolean } {
  const all = actions.includes('*');
  return { pull: all || actions.includes('pull'), push: all || actions.includes('push') };
}

/** "alice may pull but not push dream/base", from the actions a token service granted. */
export function describeGrant(who: string, path: string, actions: readonly string[], accepted: string, asked: Asked): ImageVerdict[] {
  const { pull, push } = pullAndPush(actions);
  const asking = `asked for repository:${path}:pull,push, the token grants`;
  if (pull && push) return [{ status: 'ok', line: `${who} may pull and push ${path}: ${asking} both; ${accepted}`, commands: [] }];
  if (pull && !asked.push) {
    return [
      { status: 'ok', line: `${who} may pull ${path}: ${asking} pull only; ${accepted}`, commands: [] },
      pushVerdict(asked, `${who} may not push ${path}: docker push fails with "${DENIED}"; to push, the registry's administrator can grant ${who} push on ${path}`, []),
    ];
  }
  const what = pull ? `may pull but not push ${path}` : push ? `may push but not pull ${path}` : `may neither pull nor push ${path}`;
  const granted = pull ? 'pull only' : push ? 'push only' : 'nothing';
  const fails = pull ? `docker push fails with "${DENIED}"` : push ? 'docker pull fails' : `docker pull and docker push fail ("${DENIED}")`;
  const remedy = `the registry's administrator can grant ${who} access, or use a repository ${who} may ${pull ? 'push to' : 'pull'}`;
  return [{ status: 'problem', line: `${who} ${what}: ${asking} ${granted}, so ${fails}; ${remedy}; ${accepted}`, commands: [] }];
}

/**
 * The registry's verdict when docker has no login to send: what it grants anyone. A token service is
 * asked for repository:NAME:pull,push without credentials; a Basic registry's 401 is a refusal.
 */
export function describeAnonymousAccess(result: ProbeResult, target: RegistryTarget, reference: ImageReference, paths: WordingPaths, asked: Asked, insecure = ''): ImageVerdict[] {
  const { path } = reference;
  const login = loginCommandFor(target, '');
  const logIn = `log in with ${login}`;
  switch (result.kind) {
    case 'unreachable':
      return [unreachable(result)];
    case 'rejected':
      if (result.how === 'basic') {
        return [
          {
            status: 'problem',
            line: `the registry refuses anonymous access (HTTP ${result.status} without a login; Basic authentication at ${result.url}${insecure}): docker pull fails with "${NO_BASIC_CREDENTIALS}"; ${logIn}`,
            commands: [login],
          },
        ];
      }
      return [
        {
          status: 'problem',
          line: `the token service at ${result.url} gives no token without a login (HTTP ${result.status})${insecure}: docker pull of ${path} fails without one; ${logIn}`,
          commands: [login],
        },
      ];
    case 'ok':
      break;
    default: {
      // The same words registry-login has for these, about the registry rather than a login.
      const subject = { key: target.indexName, username: '', source: 'no login' };
      const verdict = describeProbe(result, subject, target, paths);
      const prefix = `${describeSubject(subject)}: `;
      const line = verdict.line.startsWith(prefix) ? verdict.line.slice(prefix.length) : verdict.line;
      return [{ status: 'problem', line: `${target.indexName}, asked without a login: ${line}`, commands: verdict.commands }];
    }
  }
  if (result.how !== 'token') return [openRegistry(result.url, target, path, insecure)];
  const asking = `asked without a login for repository:${path}:pull,push, the token service grants`;
  const where = `token authentication at ${result.url}${insecure}`;
  if (result.granted === undefined || !result.granted.readable) {
    const why = result.granted?.why ?? 'the token was not read';
    return [{ status: 'skipped', line: `the token service gives a token without a login, but ${why}: what anyone may do with ${path} cannot be read; ${where}`, commands: [] }];
  }
  const { pull, push } = pullAndPush(result.granted.actions);
  if (!pull) {
    return [
      {
        status: 'problem',
        line:
          `anonymous pull of ${path} is not granted (${asking} ${push ? 'push only' : 'nothing'}): docker pull fails with "${pullAccessDenied(reference)}"; ` +
          `the repository is private or does not exist: if it is private, ${logIn}; ${where}`,
        commands: [login],
      },
    ];
  }
  if (push) return [{ status: 'ok', line: `anyone may pull and push ${path}: ${asking} both, so docker needs no login for it; ${where}`, commands: [] }];
  return [
    { status: 'ok', line: `${path} is public: ${asking} pull, so docker pulls it with no login; ${where}`, commands: [] },
    pushVerdict(asked, `a push of ${path} needs a login: without one docker push is refused; ${logIn}`, [login]),
  ];
}

/**
 * Docker Hub lets a user push only into their own namespace (and organisations they belong to):
 * `bob/app` with alice's login is refused. Official images (`library/`) are pulled, never pushed by
 * users, so they get no advice. An identity token's user cannot be read here, nor the namespace of a
 * login made with an e-mail address (Docker Hub accepts one): no advice for those either.
 */
export function hubNamespaceAdvice(reference: ImageReference, username: string, asked: Asked): ImageVerdict | undefined {
  if (!reference.hub || username === IDENTITY_TOKEN_USERNAME) return undefined;
  const [namespace = '', ...rest] = reference.path.split('/');
  const user = username.toLowerCase();
  if (namespace === 'library' || namespace === user || rest.length === 0 || !HUB_NAMESPACE.test(user)) return undefined;
  const target = `${user}/${rest.join('/')}${reference.tag !== undefined ? `:${reference.tag}` : ''}`;
  const commands = [`docker tag ${shellQuote(reference.given)} ${shellQuote(target)}`, `docker push ${shellQuote(target)}`];
  const why =
    `${fullName(reference)} is in Docker Hub's namespace "${namespace}", but the login is ${username}'s: Docker Hub takes pushes from ${username} only into ` +
    `${user}/... (and organisations ${username} may write to), so docker push ${reference.given} fails with "${DENIED}"`;
  // A warning prints no commands: they are in its line.
  return asked.push ? pushVerdict(asked, `${why}; tag the image into ${user}/ and push that`, commands) : pushVerdict(asked, `${why}; to push, ${commands.join(', then ')}`, commands);
}

/** A Docker Hub namespace as a repository path component allows it (docker/distribution's grammar). */
const HUB_NAMESPACE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
