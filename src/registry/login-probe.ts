/**
 * Does a registry accept a stored login? The flow docker's own login follows, with the HTTP client
 * injected so every branch is unit-tested: `GET /v2/` without credentials; on 401 read the challenge;
 * Basic: the same request with the login; Bearer: ask the realm for a token (GET with the login as Basic,
 * or, for an identity token, the OAuth2 refresh-token POST docker uses) and present it to `/v2/`.
 * Without a login (doctor --image when docker has none to send) the same flow asks what anyone gets:
 * Basic's 401 is the refusal, and a token service is asked with no credentials, as docker's pull does.
 * Insecure registries are tried over https without verification, then over http, as docker does.
 */
import { type HttpOutcome, type HttpRequest, MAX_BODY_BYTES } from './http-request.js';
import type { Endpoint } from './endpoints.js';
import { type Challenge, findChallenge, parseChallenges } from './www-authenticate.js';
import { type GrantedActions, grantedActions, pullPushScope } from './granted-actions.js';

export const IDENTITY_TOKEN_USERNAME = '<token>';

export interface ProbeLogin {
  username: string;
  secret: string;
}

export type Fetcher = (request: HttpRequest) => Promise<HttpOutcome>;

export interface ProbeOptions {
  /** Budget for the whole conversation with one registry. */
  timeoutMs: number;
  /** Certificate authorities for verified https. */
  ca: readonly string[];
  /**
   * With token authentication, ask for `repository:NAME:pull,push` on this repository instead of the
   * challenge's scope, and report what the token grants (doctor --image). Nothing is pushed.
   */
  repository?: string;
  now?: () => number;
}

export type ProbeResult =
  /** `how`: 'anonymous' when /v2/ answers without asking for a login (nothing to verify there). */
  | { kind: 'ok'; url: string; how: 'basic' | 'token' | 'anonymous'; granted?: GrantedActions }
  /** The registry (Basic) or its token service refused the login; probed without one: it asks for one. */
  | { kind: 'rejected'; url: string; status: number; how: 'basic' | 'token' }
  | { kind: 'unreachable'; url: string; reason: string }
  | { kind: 'tls-unknown-authority'; url: string; reason: string }
  | { kind: 'tls-other'; url: string; reason: string }
  | { kind: 'http-to-https'; url: string }
  | { kind: 'unexpected'; url: string; reason: string };

const RESOLVE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const UNKNOWN_AUTHORITY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);
const OTHER_CERTIFICATE_CODES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another name',
  HOSTNAME_MISMATCH: 'its certificate is for another name',
  CERT_REVOKED: 'its certificate was revoked',
  CERT_SIGNATURE_FAILURE: 'its certificate signature does not verify',
};
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused, nothing listens there',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  EHOSTDOWN: 'the host is down',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
};

/** Plain words for a failed request, or undefined for TLS-level failures that need a closer look. */
function networkFailure(url: string, host: string, outcome: { code: string; message: string }): ProbeResult | undefined {
  if (RESOLVE_CODES.has(outcome.code)) return { kind: 'unreachable', url, reason: `${host} does not resolve (${outcome.code})` };
  if (UNKNOWN_AUTHORITY_CODES.has(outcome.code)) return { kind: 'tls-unknown-authority', url, reason: `${outcome.message} (${outcome.code})` };
  const certificate = OTHER_CERTIFICATE_CODES[outcome.code];
  if (certificate !== undefined) return { kind: 'tls-other', url, reason: `${certificate} (${outcome.code})` };
  const network = NETWORK_REASONS[outcome.code];
  if (network !== undefined && outcome.code !== 'ECONNRESET') {
    return { kind: 'unreachable', url, reason: outcome.code === 'ETIMEDOUT' ? outcome.message : `${network} (${outcome.code})` };
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function header(outcome: Extract<HttpOutcome, { kind: 'response' }>, name: string): string | readonly string[] | undefined {
  return outcome.headers[name];
}

class Probe {
  private readonly deadline: number;
  private readonly now: () => number;

  constructor(
    private readonly fetcher: Fetcher,
    private readonly options: ProbeOptions,
  ) {
    this.now = options.now ?? (() => Date.now());
    this.deadline = this.now() + options.timeoutMs;
  }

  fetch(request: Omit<HttpRequest, 'timeoutMs' | 'ca'>, endpoint: Endpoint): Promise<HttpOutcome> {
    const left = this.deadline - this.now();
    if (left <= 0) return Promise.resolve({ kind: 'error', code: 'ETIMEDOUT', message: `no answer within ${this.options.timeoutMs / 1000} s` });
    const verifyTls = request.url.startsWith('https:') ? endpoint.verifyTls : false;
    return this.fetcher({ ...request, timeoutMs: left, verifyTls, ...(verifyTls ? { ca: this.options.ca } : {}) });
  }

  /** A failed request in words; https failing below HTTP gets a look over plain http, without credentials. */
  async explain(url: string, outcome: Extract<HttpOutcome, { kind: 'error' }>): Promise<ProbeResult> {
    // Refused before anything was sent: nothing to learn from the network.
    if (outcome.notSent) return { kind: 'unexpected', url, reason: `${outcome.message} (${outcome.code})` };
    const known = networkFailure(url, hostOf(url), outcome);
    if (known !== undefined) return known;
    if (url.startsWith('https:')) {
      // "http: server gave HTTP response to HTTPS client": only a request without credentials finds out.
      const plainUrl = `http:${url.slice('https:'.length)}`;
      const plain = await this.fetch({ url: plainUrl }, { base: plainUrl, verifyTls: false });
      if (plain.kind === 'response') return { kind: 'http-to-https', url };
      return { kind: 'tls-other', url, reason: `${outcome.message.split('\n')[0] ?? ''} (${outcome.code})` };
    }
    return { kind: 'unexpected', url, reason: `${outcome.message.split('\n')[0] ?? ''} (${outcome.code})` };
  }

  /** `login` undefined: ask as anyone would, with no credentials at all. */
  async run(endpoints: readonly Endpoint[], login: ProbeLogin | undefined): Promise<ProbeResult> {
    for (const [index, endpoint] of endpoints.entries()) {
      const url = `${endpoint.base}/v2/`;
      const first = await this.fetch({ url }, endpoint);
      if (first.kind === 'response') return this.answer(endpoint, url, first, login);
      // Like docker: an insecure registry's https failure falls through to http; the last failure is told.
      if (index === endpoints.length - 1) return this.explain(url, first);
    }
    return { kind: 'unexpected', url: '', reason: 'no endpoint to try' };
  }

  private async answer(endpoint: Endpoint, url: string, first: Extract<HttpOutcome, { kind: 'response' }>, login: ProbeLogin | undefined): Promise<ProbeResult> {
    if (first.status >= 200 && first.status < 300) return { kind: 'ok', url, how: 'anonymous' };
    if (first.status === 404) return { kind: 'unexpected', url, reason: 'HTTP 404: no registry API there (is it the right host and port?)' };
    if (first.status !== 401) return { kind: 'unexpected', url, reason: `HTTP ${first.status} for GET /v2/` };
    const challenges = parseChallenges(header(first, 'www-authenticate'));
    const bearer = findChallenge(challenges, 'bearer');
    if (bearer !== undefined && bearer.params.realm) return this.token(endpoint, url, bearer, login);
    if (findChallenge(challenges, 'basic') !== undefined) {
      // Basic has no anonymous grant: its 401 to a request without credentials is the refusal.
      return login === undefined ? { kind: 'rejected', url, status: first.status, how: 'basic' } : this.basic(endpoint, url, login);
    }
    const offered = challenges.map((challenge) => challenge.scheme).join(', ');
    return { kind: 'unexpected', url, reason: `HTTP 401 without a Basic or Bearer challenge${offered ? ` (offered: ${offered})` : ''}` };
  }

  private async basic(endpoint: Endpoint, url: string, login: ProbeLogin): Promise<ProbeResult> {
    if (login.username === IDENTITY_TOKEN_USERNAME) {
      return { kind: 'unexpected', url, reason: 'the stored login is an identity token, but the registry asks for Basic authentication' };
    }
    const authorization = `Basic ${Buffer.from(`${login.username}:${login.secret}`).toString('base64')}`;
    const second = await this.fetch({ url, headers: { authorization } }, endpoint);
    if (second.kind === 'error') return this.explain(url, second);
    if (second.status >= 200 && second.status < 300) return { kind: 'ok', url, how: 'basic' };
    if (second.status === 401 || second.status === 403) return { kind: 'rejected', url, status: second.status, how: 'basic' };
    return { kind: 'unexpected', url, reason: `HTTP ${second.status} for GET /v2/ with the login` };
  }

  private async token(endpoint: Endpoint, url: string, challenge: Challenge, login: ProbeLogin | undefined): Promise<ProbeResult> {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm ?? '');
    } catch {
      return { kind: 'unexpected', url, reason: 'the Bearer challenge names a realm that is not a URL' };
    }
    // Without a login nothing secret goes to the realm, so a plain-http one is asked, as docker does.
    const plainRealmAllowed = login === undefined || url.startsWith('http:') || isLoopbackHost(realm.hostname);
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && plainRealmAllowed)) {
      return { kind: 'unexpected', url, reason: `the token service ${realm.origin} is not https: the login was not sent to it` };
    }
    const identityToken = login?.username === IDENTITY_TOKEN_USERNAME;
    const params = new URLSearchParams();
    if (challenge.params.service) params.set('service', challenge.params.service);
    const { repository } = this.options;
    if (repository !== undefined) params.set('scope', pullPushScope(repository));
    else if (challenge.params.scope) params.set('scope', challenge.params.scope);
    params.set('client_id', 'docker');
    let answer: HttpOutcome;
    // Same transport as the registry, as docker's token handler uses.
    const tokenEndpoint = { base: realm.origin, verifyTls: endpoint.verifyTls };
    if (login === undefined) {
      // docker's token request without credentials: service and scope only, no Authorization.
      params.delete('client_id');
      answer = await this.fetch({ url: withParams(realm, params) }, tokenEndpoint);
    } else if (identityToken) {
      // docker's OAuth2 refresh-token grant (distribution/registry/client/auth).
      params.set('grant_type', 'refresh_token');
      params.set('refresh_token', login.secret);
      answer = await this.fetch(
        { url: realm.href, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params.toString() },
        tokenEndpoint,
      );
    } else {
      params.set('account', login.username);
      params.set('offline_token', 'true');
      const authorization = `Basic ${Buffer.from(`${login.username}:${login.secret}`).toString('base64')}`;
      answer = await this.fetch({ url: withParams(realm, params), headers: { authorization } }, tokenEndpoint);
    }
    const realmUrl = `${realm.origin}${realm.pathname}`;
    if (answer.kind === 'error') return this.explain(realmUrl, answer);
    if (answer.status === 401 || answer.status === 403 || (identityToken && answer.status === 400)) {
      return { kind: 'rejected', url: realmUrl, status: answer.status, how: 'token' };
    }
    if (answer.status < 200 || answer.status >= 300) return { kind: 'unexpected', url: realmUrl, reason: `the token service answered HTTP ${answer.status}` };
    const token = tokenFrom(answer);
    if ('unusable' in token) return { kind: 'unexpected', url: realmUrl, reason: `the token service answered ${token.unusable}` };
    const final = await this.fetch({ url, headers: { authorization: `Bearer ${token.token}` } }, endpoint);
    if (final.kind === 'error') return this.explain(url, final);
    if (final.status >= 200 && final.status < 300) {
      return { kind: 'ok', url, how: 'token', ...(repository !== undefined ? { granted: grantedActions(token.token, repository) } : {}) };
    }
    if ((final.status === 401 || final.status === 403) && login === undefined) {
      // Not a refused login: the registry does not take what its own token service gives anyone.
      return { kind: 'unexpected', url, reason: `HTTP ${final.status} for GET /v2/ with the token its token service gave without a login` };
    }
    if (final.status === 401 || final.status === 403) return { kind: 'rejected', url, status: final.status, how: 'token' };
    return { kind: 'unexpected', url, reason: `HTTP ${final.status} for GET /v2/ with a token` };
  }
}

/** The realm with `params` added after whatever query it already has. */
function withParams(realm: URL, params: URLSearchParams): string {
  const url = new URL(realm.href);
  for (const [name, value] of params) url.searchParams.append(name, value);
  return url.href;
}

/**
 * Longer than any registry issues (Docker Hub's JWTs with many scopes are a few KiB), and twice what
 * nginx's default header buffer takes.
 */
export const MAX_TOKEN_CHARS = 16 * 1024;
/** RFC 6750 b64token: what Bearer carries. JWTs, base64 and every opaque token seen from registries fit. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The token a token service answered, checked before it goes into an Authorization header: docker's
 * choice of field (`access_token` when set, else `token`), a string, not too long, only b64token
 * characters. The reasons never quote the token: it is a secret, and may hold control characters.
 */
export function tokenFrom(answer: Extract<HttpOutcome, { kind: 'response' }>): { token: string } | { unusable: string } {
  if (answer.truncated) return { unusable: `more than ${MAX_BODY_BYTES / 1024} KiB` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return { unusable: 'something that is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { unusable: 'without a token' };
  const fields = parsed as Record<string, unknown>;
  // JSON null reads as "" in docker's Go decoding: absent.
  const given = (value: unknown) => value !== undefined && value !== null && value !== '';
  const token = given(fields.access_token) ? fields.access_token : fields.token;
  if (!given(token)) return { unusable: 'without a token' };
  if (typeof token !== 'string') return { unusable: `a token that is not a string (${Array.isArray(token) ? 'array' : typeof token})` };
  if (token.length > MAX_TOKEN_CHARS) return { unusable: `a token of ${token.length} characters, more than the ${MAX_TOKEN_CHARS} any registry issues` };
  if (!B64TOKEN.test(token)) return { unusable: 'a token with characters a token cannot have (RFC 6750 allows letters, digits and -._~+/ then = padding)' };
  return { token };
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1';
}

/** `login` undefined: what the registry grants anyone (no credentials are sent anywhere). */
export function probeRegistry(endpoints: readonly Endpoint[], login: ProbeLogin | undefined, fetcher: Fetcher, options: ProbeOptions): Promise<ProbeResult> {
  return new Probe(fetcher, options).run(endpoints, login);
}
