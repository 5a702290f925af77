/**
 * Runs checks one after another: times each, reports a check that throws as crashed and goes on, and
 * with `fix` applies each fix and diagnoses again. No fix runs once config.json is found unreadable,
 * except one that declares it leaves config.json alone (daemon-json's edit of the daemon's file).
 * A check's write phase runs after its diagnose, and only when its flag was given: `fix` here (and only
 * while fixes may run), or the context's `login`. A warning ("works, but ...") is reported, never
 * fixed, and leaves the report ok: only a problem or a crash does not.
 */
import { describeError } from '../errors.js';
import type { Check, CheckStatus, Diagnosis, WriteFlag } from './check.js';
import type { DoctorContext } from './context.js';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  details: string[];
  durationMs: number;
}

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

export interface RunOptions {
  fix: boolean;
  /** Check ids to run; empty means all. */
  only: readonly string[];
  now?: () => number;
}

export async function runChecks(checks: readonly Check[], context: DoctorContext, options: RunOptions): Promise<DoctorReport> {
  const now = options.now ?? (() => performance.now());
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (options.only.length > 0 && !options.only.includes(check.id)) continue;
    const started = now();
    results.push({ id: check.id, title: check.title, ...(await runOne(check, context, options)), durationMs: Math.round(now() - started) });
  }
  return { ok: results.every((result) => result.status !== 'problem' && result.status !== 'crashed'), checks: results };
}

async function runOne(check: Check, context: DoctorContext, options: RunOptions): Promise<{ status: CheckStatus; details: string[] }> {
  let diagnosis: Diagnosis;
  try {
    diagnosis = await look(check, context, options);
  } catch (error) {
    return { status: 'crashed', details: [`the check itself failed: ${describeError(error)}`] };
  }
  if (diagnosis.status !== 'problem' || !options.fix || !check.fix || diagnosis.fixable === false) return present(diagnosis);
  if (check.fixOnlyWhenNamed && !options.only.includes(check.id)) {
    return present({ ...diagnosis, details: [...diagnosis.details, `not fixed: this fix is run only when named: docker-credential-tsstore doctor --fix ${check.id}`] });
  }
  if (!fixMayRun(check, context)) {
    return present({ ...diagnosis, details: [...diagnosis.details, 'not fixed: config.json must be fixed by hand first (see config-json)'] });
  }
  let done: string[];
  try {
    done = await check.fix(context, diagnosis);
  } catch (error) {
    return present({ ...diagnosis, details: [...diagnosis.details, `the fix failed: ${describeError(error)}`] });
  } finally {
    // Whatever it changed (a failed fix may have changed something too) is read again from here on.
    context.afterFix();
  }
  let after: Diagnosis;
  try {
    after = await look(check, context, options);
  } catch (error) {
    return { status: 'crashed', details: [...done, `the check failed after the fix: ${describeError(error)}`] };
  }
  // Still a problem, or fixed with a caveat left: the status says what is left, the details what was done first.
  if (after.status === 'problem' || after.status === 'warning') return present({ ...after, details: [...done, ...after.details] });
  return { status: 'fixed', details: done };
}

/** diagnose, then the check's write phase where the flag it names was given. */
async function look(check: Check, context: DoctorContext, options: RunOptions): Promise<Diagnosis> {
  const diagnosis = await check.diagnose(context);
  if (check.verify === undefined || !given(check, check.verify.when, context, options)) return diagnosis;
  return check.verify.run(context, diagnosis);
}

/** `--login` is its own permission; a write under `--fix` is a fix, so none once config.json is unreadable. */
function given(check: Check, flag: WriteFlag, context: DoctorContext, options: RunOptions): boolean {
  return flag === 'fix' ? options.fix && fixMayRun(check, context) : context.login;
}

/** A broken config.json stops only the fixes that might rewrite it. */
function fixMayRun(check: Check, context: DoctorContext): boolean {
  return check.fixLeavesDockerConfig === true || context.fixesAllowed();
}

function present(diagnosis: Diagnosis): { status: CheckStatus; details: string[] } {
  const commands = (diagnosis.commands ?? []).map((command) => `run: ${command}`);
  return { status: diagnosis.status, details: [...diagnosis.details, ...commands] };
}
