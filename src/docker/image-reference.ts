/**
 * An image reference (`docker push REF`) read the way docker reads it, as a pure function (the grammar
 * and ParseNormalizedNamed of github.com/distribution/reference): a first component is a registry host
 * only when it holds `.` or `:`, is `localhost`, or has an upper-case letter; otherwise the registry is
 * Docker Hub, where a one-component name gets `library/`. `index.docker.io` is Docker Hub too. The tag
 * and digest are kept apart; the repository path must be lower case; the whole name is at most 255
 * characters. Anything else is one usage error.
 */
import { TsstoreError } from '../errors.js';

export const DOCKER_HUB_DOMAIN = 'docker.io';
const LEGACY_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const MAX_NAME_CHARS = 255;

export interface ImageReference {
  /** What the person typed. */
  given: string;
  /** `docker.io`, or the registry's `host[:port]` as written. */
  domain: string;
  /** The repository inside the registry: `library/nginx`, `dream/app`. */
  path: string;
  tag?: string;
  digest?: string;
  hub: boolean;
}

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const DOMAIN_ONLY = new RegExp(`^${DOMAIN}$`);
const IMAGE_ID = /^[a-f0-9]{64}$/;

function invalid(given: string, why: string): TsstoreError {
  return new TsstoreError('usage', `--image ${JSON.stringify(given)}: ${why}`);
}

/** The reference docker would use for `given`; a TsstoreError('usage') when docker would refuse it. */
export function parseImageReference(given: string): ImageReference {
  if (given === '') throw invalid(given, 'an image reference is needed, such as registry.example:5000/team/app:1.0');
  if (IMAGE_ID.test(given)) throw invalid(given, 'an image ID (64 hexadecimal digits) is not a repository name');
  const { domain, remainder } = splitDomain(given);
  const remoteName = remainder.split(/[:@]/)[0] ?? '';
  const lowered = `${domain}/${remoteName.toLowerCase()}${remainder.slice(remoteName.length)}`;
  // Upper case is named only where it is the one thing wrong (docker names it first, whatever else is).
  if (!REFERENCE.test(lowered) || !DOMAIN_ONLY.test(domain)) throw invalid(given, 'invalid reference format (docker accepts [HOST[:PORT]/]NAME[:TAG][@DIGEST], NAME in lower case)');
  if (remoteName !== remoteName.toLowerCase()) throw invalid(given, `invalid reference format: repository name (${remoteName}) must be lowercase`);
  const match = REFERENCE.exec(`${domain}/${remainder}`);
  if (match === null) throw invalid(given, 'invalid reference format (docker accepts [HOST[:PORT]/]NAME[:TAG][@DIGEST], NAME in lower case)');
  const name = match[1] ?? '';
  if (name.length > MAX_NAME_CHARS) throw invalid(given, `repository name must not be more than ${MAX_NAME_CHARS} characters`);
  const reference: ImageReference = { given, domain, path: name.slice(domain.length + 1), hub: domain === DOCKER_HUB_DOMAIN };
  if (match[2] !== undefined) reference.tag = match[2];
  if (match[3] !== undefined) reference.digest = match[3];
  return reference;
}

/** docker's splitDockerDomain. */
function splitDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const isHost = slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domain = isHost ? first : DOCKER_HUB_DOMAIN;
  const remainder = isHost ? name.slice(slash + 1) : name;
  if (domain === LEGACY_HUB_DOMAIN) domain = DOCKER_HUB_DOMAIN;
  return { domain, remainder: domain === DOCKER_HUB_DOMAIN && !remainder.includes('/') ? `${OFFICIAL_PREFIX}${remainder}` : remainder };
}

/** `docker.io/library/nginx`, `127.0.0.1:5000/dream/app`: the full name, without tag or digest. */
export function fullName(reference: ImageReference): string {
  return `${reference.domain}/${reference.path}`;
}
