/**
 * registry-login: every stored login still opens its registry. For each registry tsstore holds a login
 * for, and each one config.json's `auths` names, `GET /v2/` the way docker does (https; plain http only
 * for loopback and insecure-registries) and answer the challenge with the stored login. The write
 * phase, under --login, re-runs each login with `docker login -u USER --password-stdin` so docker itself
 * proves the whole chain. No fix: the wording says what to change, and the commands how. The parts are
 * in ../registry-login/: logins.ts gathers, probe-logins.ts verifies each, re-login.ts is --login.
 */
import { redact } from '../../text/redact.js';
import type { Check, Diagnosis } from '../check.js';
import { type GatheredLogins, type KnownLogin, gatherLogins } from '../registry-login/logins.js';
import { probeLogins } from '../registry-login/probe-logins.js';
import { reRunLogins } from '../registry-login/re-login.js';
import type { Verdict } from '../registry-login/wording.js';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/**
 * What diagnose found, for the --login phase that follows it. Kept beside the diagnosis rather than in
 * it: the logins hold secrets, and a diagnosis is a thing that gets printed.
 */
const checkedLogins = new WeakMap<Diagnosis, { gathered: GatheredLogins; verdicts: Verdict[] }>();

export const registryLogin: Check = {
  id: 'registry-login',
  title: 'Registries accept the stored logins',
  async diagnose(context): Promise<Diagnosis> {
    const gathered = await gatherLogins(context);
    const { logins, notes } = gathered;
    if (logins.length === 0 && gathered.verdicts.length === 0) {
      return { status: 'skipped', details: [...notes, 'no registry logins stored (tsstore and config.json name none)'] };
    }
    const { settings: daemon, notes: daemonNotes } = await context.daemonSettings();
    notes.push(...daemonNotes);
    if (logins.length > 0 && PROXY_VARIABLES.some((name) => context.env[name])) {
      notes.push('a proxy is set in the environment: this check connects directly, docker goes through the proxy');
    }
    const verdicts = [...(await probeLogins(context, logins, daemon)), ...gathered.verdicts];
    const diagnosis = summarize(notes, verdicts, logins);
    checkedLogins.set(diagnosis, { gathered, verdicts });
    return diagnosis;
  },
  verify: {
    when: 'login',
    async run(context, diagnosis) {
      const checked = checkedLogins.get(diagnosis);
      if (checked === undefined) return diagnosis; // no login to re-run
      const { gathered } = checked;
      return summarize(gathered.notes, await reRunLogins(context, gathered, checked.verdicts), gathered.logins);
    },
  },
};

/** The diagnosis: notes, then one line per verdict, with every secret of `logins` redacted. */
function summarize(notes: readonly string[], verdicts: readonly Verdict[], logins: readonly KnownLogin[]): Diagnosis {
  const secrets = logins.flatMap((login) => [login.secret, Buffer.from(`${login.username}:${login.secret}`).toString('base64')]);
  const details = [...notes, ...verdicts.map((verdict) => verdict.line)].map((line) => redact(line, secrets));
  const commands = [...new Set(verdicts.flatMap((verdict) => verdict.commands))].map((command) => redact(command, secrets));
  if (!verdicts.some((verdict) => verdict.problem)) return { status: 'ok', details };
  return { status: 'problem', fixable: false, details, commands };
}
