/** `doctor [--fix] [--json] [--login] [--list-checks] [CHECK_ID...]`: finds what is wrong with Docker logins, and fixes it. */
import type { Environment } from '../config/paths.js';
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
}

export async function runDoctor(options: DoctorOptions, env: Environment = process.env): Promise<number> {
  if (options.listChecks) {
    process.stdout.write(renderCheckList(CHECKS, { json: options.json }));
    return 0;
  }
  const unknown = options.checks.filter((id) => !CHECKS.some((check) => check.id === id));
  if (unknown.length > 0) {
    throw new TsstoreError('usage', `unknown check ${unknown.join(', ')}; the checks are: ${CHECKS.map((check) => check.id).join(', ')}`);
  }
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const context = new RealDoctorContext(env, options.login, interactive);
  const report = await runChecks(CHECKS, context, { fix: options.fix, only: options.checks });
  process.stdout.write(options.json ? renderJson(report) : renderText(report, { color: useColor(env, Boolean(process.stdout.isTTY)) }));
  return report.ok ? 0 : 1;
}
