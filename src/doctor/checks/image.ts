/**
 * image (one per `doctor --image REF`): what docker will do for a pull of REF, and for a push of it.
 * Which config.json, helper and key docker uses (../image/where-docker-looks.ts), whether that helper
 * answers, and the registry's verdict without pushing anything: with token authentication the token
 * service is asked for `repository:NAME:pull,push` (with the login, or with none when docker has none
 * to send, as docker's own pull does) and the token read for what it grants; with Basic, whether the
 * login is accepted, or that a registry refuses anyone without one. On Docker Hub, a repository outside
 * the login's namespace gets the `docker tag` that works.
 * The verdict is about pulling: a push that would be refused makes the check a warning (the pull works),
 * and a problem only with `--push` (the person asked about pushing). Only reads: `GET /v2/` and a GET of
 * a token; no blob or manifest is sent. No fix.
 */
import { getWithAliases } from '../../protocol/handle.js';
import { HelperClient } from '../../credential-helper/client.js';
import type { DockerConfig } from '../../docker/config-file.js';
import { dockerConfigPath } from '../../docker/config-file.js';
import { type ImageReference, fullName } from '../../docker/image-reference.js';
import { describeError, isTsstoreError } from '../../errors.js';
import { findOnPath } from '../../fs/find-on-path.js';
import { registryTarget } from '../../registry/endpoints.js';
import { redact } from '../../text/redact.js';
import type { Check, Diagnosis } from '../check.js';
import type { DoctorContext } from '../context.js';
import { type LoginPlan, describePlan, planLogin, plaintextFor } from '../image/where-docker-looks.js';
import { type Asked, type ImageVerdict, describeAccess, describeAnonymousAccess, hubNamespaceAdvice, pullAndPush } from '../image/wording.js';
import { insecureNote, probeTarget, wordingPaths } from '../registry-login/probe-logins.js';
import { loginCommandFor } from '../registry-login/wording.js';

export const IMAGE_CHECK_ID = 'image';
/** How `image` appears in --list-checks: it exists only with --image. */
export const IMAGE_CHECK_LISTING = {
  id: IMAGE_CHECK_ID,
  title: 'Docker may pull an image (a push it would refuse is a warning), and push it too with --push (only with --image REF, one check per REF)',
};

interface FoundLogin {
  username: string;
  secret: string;
  /** Where it came from, for the lines: "docker-credential-tsstore", "config.json", "DOCKER_AUTH_CONFIG". */
  source: string;
}

type LoginOutcome =
  | { login: FoundLogin; notes: ImageVerdict[] }
  /** `anonymous`: docker has no login for the registry and pulls without one: ask what anyone may do. */
  | { login: undefined; anonymous: boolean; notes: ImageVerdict[] };

export function imageCheck(reference: ImageReference, asked: Asked = { push: false }): Check {
  return {
    id: IMAGE_CHECK_ID,
    title: `${asked.push ? 'Pull and push' : 'Pull'} of ${reference.given}`,
    diagnose: (context) => diagnoseImage(context, reference, asked),
  };
}

async function diagnoseImage(context: DoctorContext, reference: ImageReference, asked: Asked): Promise<Diagnosis> {
  const notes: string[] = [];
  const read = context.readDockerConfig();
  const config: DockerConfig = read.ok ? read.file.config : {};
  const configPath = read.ok ? read.file.path : dockerConfigPath(context.env);
  if (!read.ok) notes.push(`${configPath} cannot be read (see config-json): docker goes on without it, and so does this check`);
  const plan = planLogin(reference, { config, authEnv: authEnvConfig(context, notes), onPath: (program) => onPath(context, program) });
  notes.push(describePlan(reference, plan, configPath));
  const found = await findLogin(context, plan, config);
  const verdicts = [...found.notes];
  if (found.login !== undefined || found.anonymous) verdicts.push(...(await registryVerdicts(context, reference, found.login, notes, asked)));
  const secrets = found.login ? [found.login.secret, Buffer.from(`${found.login.username}:${found.login.secret}`).toString('base64')] : [];
  const details = [...notes, ...verdicts.map((verdict) => verdict.line)].map((line) => redact(line, secrets));
  // Warnings carry their commands in their lines: "run:" is for what must be done.
  const commands = [...new Set(verdicts.filter((verdict) => verdict.status !== 'warning').flatMap((verdict) => verdict.commands))].map((command) => redact(command, secrets));
  if (verdicts.some((verdict) => verdict.status === 'problem')) return { status: 'problem', fixable: false, details, commands };
  // No verdict on the pull outweighs a caveat about the push: the warning's line is there all the same.
  if (verdicts.some((verdict) => verdict.status === 'skipped')) return { status: 'skipped', details, commands };
  if (verdicts.some((verdict) => verdict.status === 'warning')) return { status: 'warning', details };
  return { status: 'ok', details };
}

/** DOCKER_AUTH_CONFIG as a config.json, when set and usable; config-keys reports it when not. */
function authEnvConfig(context: DoctorContext, notes: string[]): DockerConfig | undefined {
  const value = context.env.DOCKER_AUTH_CONFIG;
  if (value === undefined || value === '') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as DockerConfig;
  } catch {
    // worded below, never quoted: it holds secrets
  }
  notes.push('DOCKER_AUTH_CONFIG is set but is not a JSON object (see config-keys): not used here');
  return undefined;
}

function onPath(context: DoctorContext, program: string): boolean {
  const helper = /^docker-credential-(.+)$/.exec(program)?.[1];
  return helper !== undefined ? context.findHelper(helper) !== undefined : findOnPath(program, context.env.PATH ?? '') !== undefined;
}

/** The login docker would send, asked the way docker asks; whatever stops it is a verdict. */
async function findLogin(context: DoctorContext, plan: LoginPlan, config: DockerConfig): Promise<LoginOutcome> {
  const target = registryTarget(plan.key);
  const again = target ? [loginCommandFor(target, '')] : [];
  const failed = (line: string): LoginOutcome => ({ login: undefined, anonymous: false, notes: [{ status: 'problem', line, commands: again }] });
  // No login is not a failure by itself: docker pulls without one, and the registry says what that gets.
  const none = (line: string): LoginOutcome => ({ login: undefined, anonymous: true, notes: [{ status: 'ok', line, commands: [] }] });
  const { place } = plan;
  if (place.kind === 'auth-env' || place.kind === 'config') {
    const entry = place.kind === 'auth-env' ? place.entry : plaintextFor(config, plan.key);
    const source = place.kind === 'auth-env' ? 'DOCKER_AUTH_CONFIG' : 'config.json';
    if (entry === undefined) return none(`no login for "${plan.key}" anywhere docker looks: docker sends none, so it gets what the registry grants anyone`);
    if (entry.kind === 'unusable') return failed(`${source} holds "${entry.registry}", but ${entry.reason}`);
    return { login: { username: entry.username, secret: entry.secret, source }, notes: [] };
  }
  const program = `docker-credential-${place.helper}`;
  if (context.findHelper(place.helper) === undefined) {
    return {
      login: undefined,
      anonymous: false,
      notes: [{ status: 'problem', line: `${program} is not on PATH: docker cannot ask it, and fails every push and pull of this registry (see creds-store)`, commands: [] }],
    };
  }
  try {
    const login = place.helper === 'tsstore' ? await fromTsstore(context, plan.key) : await new HelperClient(program, (verb, input) => context.runHelper(place.helper, verb, input)).get(plan.key);
    return { login: { ...login, source: program }, notes: [{ status: 'ok', line: `${program} answers with ${login.username === '<token>' ? 'an identity token' : `${login.username}'s login`}`, commands: [] }] };
  } catch (error) {
    if (isTsstoreError(error, 'not-found')) return none(`${program} holds no login for "${plan.key}": docker sends none, so it gets what the registry grants anyone`);
    return { login: undefined, anonymous: false, notes: [{ status: 'problem', line: `${program} gives no login for "${plan.key}": ${describeError(error)}`, commands: [] }] };
  }
}

/** tsstore's own store, read the way its `get` reads it (other spellings of the key too), never prompting. */
async function fromTsstore(context: DoctorContext, key: string): Promise<{ username: string; secret: string }> {
  const store = await context.store({ forWrite: false });
  return getWithAliases(store, key);
}

/** The registry's word on `reference` for `login`, or for anyone when docker has no login to send. */
async function registryVerdicts(context: DoctorContext, reference: ImageReference, login: FoundLogin | undefined, notes: string[], asked: Asked): Promise<ImageVerdict[]> {
  const target = registryTarget(reference.hub ? 'docker.io' : reference.domain);
  if (target === undefined) return [{ status: 'problem', line: `${fullName(reference)} names no registry host docker can reach`, commands: [] }];
  const { settings: daemon, notes: daemonNotes } = await context.daemonSettings();
  notes.push(...daemonNotes);
  const paths = wordingPaths(daemon);
  const { result, transport } = await probeTarget(context, target, login, daemon, reference.path);
  if (login === undefined) return describeAnonymousAccess(result, target, reference, paths, asked, insecureNote(result, transport));
  const subject = { key: target.key, username: login.username, source: login.source };
  const access = describeAccess(result, subject, target, reference, paths, asked, insecureNote(result, transport));
  const pushGranted = result.kind === 'ok' && result.granted?.readable === true && pullAndPush(result.granted.actions).push;
  // The token's word wins over the namespace rule: an organisation alice belongs to may take her pushes.
  const hub = pushGranted ? undefined : hubNamespaceAdvice(reference, login.username, asked);
  // On Docker Hub the namespace is why a push is refused: its advice replaces the generic push warning.
  return hub === undefined ? access : [...access.filter((verdict) => verdict.status !== 'warning'), hub];
}
