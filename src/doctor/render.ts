/** The doctor's report as text for a terminal (or a pipe), or as one JSON object. */
import type { Environment } from '../config/paths.js';
import type { CheckStatus } from './check.js';
import type { DoctorReport } from './runner.js';
import { jsonSafe, terminalSafe } from '../text/safe-text.js';

// A warning has a mark of its own: "works, but ..." must not read as ok, nor as broken.
const SYMBOLS: Record<CheckStatus, string> = { ok: '✓', fixed: '✓', warning: '⚠', problem: '✗', crashed: '✗', skipped: '!' };
const COLORS: Record<CheckStatus, string> = { ok: '32', fixed: '32', warning: '33', problem: '31', crashed: '31', skipped: '33' };
const NOTES: Record<CheckStatus, string> = { ok: '', fixed: ' (fixed)', warning: ' (warning)', problem: '', crashed: ' (check crashed)', skipped: ' (skipped)' };

export function renderText(report: DoctorReport, options: { color: boolean }): string {
  const paint = (status: CheckStatus, text: string) => (options.color ? `\u001b[${COLORS[status]}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${paint(check.status, SYMBOLS[check.status])} ${terminalSafe(check.title)}${NOTES[check.status]}  [${terminalSafe(check.id)}]`);
    // Details carry server URLs, usernames, file names and registry answers: never shown raw.
    for (const detail of check.details) lines.push(`    ${terminalSafe(detail)}`);
  }
  lines.push('');
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** "No problems found." / "2 problems left.", and the warnings after it: "No problems found; 1 warning." */
export function summaryLine(report: DoctorReport): string {
  const count = (statuses: readonly CheckStatus[]) => report.checks.filter((check) => statuses.includes(check.status)).length;
  const problems = count(['problem', 'crashed']);
  const warnings = count(['warning']);
  const head = problems === 0 ? 'No problems found' : `${problems} problem${problems === 1 ? '' : 's'} left`;
  return warnings === 0 ? `${head}.` : `${head}; ${warnings} warning${warnings === 1 ? '' : 's'}.`;
}

export function renderJson(report: DoctorReport): string {
  const checks = report.checks.map(({ id, title, status, details }) => ({ id, title, status, details }));
  return `${jsonSafe(JSON.stringify({ ok: report.ok, checks }, null, 2))}\n`;
}

/** `--list-checks`: each check's id and title, one per line (ids aligned), or a JSON array of both. */
export function renderCheckList(checks: ReadonlyArray<{ id: string; title: string }>, options: { json: boolean }): string {
  if (options.json) return `${jsonSafe(JSON.stringify(checks.map(({ id, title }) => ({ id, title })), null, 2))}\n`;
  const width = Math.max(0, ...checks.map((check) => check.id.length));
  return checks.map((check) => `${terminalSafe(check.id.padEnd(width))}  ${terminalSafe(check.title)}\n`).join('');
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(env: Environment, isTTY: boolean): boolean {
  return isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}
