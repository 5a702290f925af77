/** `doctor [--fix] [--json] [--login] [--list-checks] [--image REF... [--push]] [CHECK_ID...]`: finds what is wrong with Docker logins, and fixes it. */
import type { Environment } from '../config/paths.js';
import { parseImageReference } from '../docker/image-reference.js';
import type { Check } from '../doctor/check.js';
import { IMAGE_CHECK_ID, IMAGE_CHECK_LISTING, imageCheck } from '../doctor/checks/image.js';
import { CHECKS } from '../doctor/checks/index.js';
import { RealDoctorContext } from '../doctor/context.js';
import { renderCheckList, renderJson, renderText, useColor } from '../doctor/render.js';
import { runChecks } from '../doctor/runner.js';
import { TsstoreError } from '../errors.js';

export interface DoctorOptions {
  fix: boolean;
  json: boolean;
  login: boolean;
  /** Print the checks there are, run none. */
  listChecks?: boolean;
  checks: string[];
  /** `--image REF`, in the order given: one `image` check each. */
  images?: string[];
  /** `--push`: the image checks judge push too (a refused push is a problem, not a warning). */
  push?: boolean;
}

/** What --list-checks shows: the fixed checks, then `image`, which exists only with --image. */
export const LISTED_CHECKS: ReadonlyArray<{ id: string; title: string }> = [...CHECKS, IMAGE_CHECK_LISTING];

export async function runDoctor(options: DoctorOptions, env: Environment = process.env): Promise<number> {
  if (options.listChecks) {
    process.stdout.write(renderCheckList(LISTED_CHECKS, { json: options.json }));
    return 0;
  }
  const images = options.images ?? [];
  const unknown = options.checks.filter((id) => !LISTED_CHECKS.some((check) => check.id === id));
  if (unknown.length > 0) {
    throw new TsstoreError('usage', `unknown check ${unknown.join(', ')}; the checks are: ${LISTED_CHECKS.map((check) => check.id).join(', ')}`);
  }
  if (options.checks.includes(IMAGE_CHECK_ID) && images.length === 0) throw new TsstoreError('usage', 'the image check needs --image REF (for example --image registry.example:5000/team/app:1.0)');
  if (options.push && images.length === 0) throw new TsstoreError('usage', '--push says which images to judge for a push: it needs --image REF (for example --image registry.example:5000/team/app:1.0 --push)');
  // Every reference is read before anything runs: one bad one is the usage line, nothing else.
  const asked = { push: Boolean(options.push) };
  const imageChecks: Check[] = images.map((ref) => imageCheck(parseImageReference(ref), asked));
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const context = new RealDoctorContext(env, options.login, interactive);
  // The image checks run after the fixed ones (a fix may change what docker uses), and always when asked
  // for: naming checks selects among the fixed ones.
  const only = options.checks.length === 0 ? [] : [...options.checks, IMAGE_CHECK_ID];
  const report = await runChecks([...CHECKS, ...imageChecks], context, { fix: options.fix, only });
  process.stdout.write(options.json ? renderJson(report) : renderText(report, { color: useColor(env, Boolean(process.stdout.isTTY)) }));
  return report.ok ? 0 : 1;
}
