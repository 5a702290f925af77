/**
 * What the fixes that move plain-text logins into tsstore would do, found by looking only: tsstore's
 * store is opened for reading, and each entry is compared with the login it holds (plan.ts). Used by
 * diagnose, so a conflict is told before anything is fixed.
 */
import type { PlaintextEntry } from '../docker/auths.js';
import { describeError } from '../errors.js';
import { MigrationPlanner, type Step } from '../migrate/plan.js';
import type { DoctorContext } from './context.js';

export type PlannedMoves = { ok: true; steps: Step[][] } | { ok: false; reason: string };

/** One list of steps per source, planned in the order given (the first source's copy wins). */
export async function planMoves(context: DoctorContext, sources: ReadonlyArray<readonly PlaintextEntry[]>): Promise<PlannedMoves> {
  let planner: MigrationPlanner;
  try {
    planner = new MigrationPlanner(await context.store({ forWrite: false }));
    const steps: Step[][] = [];
    for (const entries of sources) {
      steps.push(await planner.plan(entries.flatMap((entry) => (entry.kind === 'unusable' ? [] : [{ registry: entry.registry, username: entry.username, secret: entry.secret }]))));
    }
    return { ok: true, steps };
  } catch (error) {
    return { ok: false, reason: `cannot compare them with the logins tsstore holds: ${describeError(error)}` };
  }
}

/** Whether any step would move something, so that a fix has work to do. */
export function movesAnything(steps: readonly Step[]): boolean {
  return steps.some((step) => step.action === 'store' || step.action === 'already-held');
}
