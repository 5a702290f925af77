/**
 * A doctor check: `diagnose` looks and never writes, whatever the flags; `fix`, when there is one, changes
 * things and the runner diagnoses again afterwards to see whether it worked. `verify`, when there is one,
 * is a closer look that writes (a probe credential, a docker login): the runner runs it after diagnose
 * only when the flag it names was given.
 */
import type { DoctorContext } from './context.js';

/**
 * `warning`: it works, but a person should know something ("works until the certificate is renewed",
 * "pulls, but a push would be refused"). A warning never fails the run and is never fixed: only a
 * problem is.
 */
export type CheckStatus = 'ok' | 'warning' | 'problem' | 'fixed' | 'skipped' | 'crashed';

export interface Diagnosis {
  status: 'ok' | 'warning' | 'problem' | 'skipped';
  /** Lines for a person; never a secret. */
  details: string[];
  /** Exact commands a person should run where we cannot fix it ourselves. */
  commands?: string[];
  /** false when this problem has no automatic fix (the commands say what to do). */
  fixable?: boolean;
}

/** The flag that allows a check's write phase: `--fix` or `--login`. */
export type WriteFlag = 'fix' | 'login';

export interface WritePhase<D extends Diagnosis = Diagnosis> {
  when: WriteFlag;
  /** Gets what diagnose found; returns the diagnosis to report instead. A throw is the check crashing. */
  run(context: DoctorContext, diagnosis: D): Promise<D>;
}

export interface Check<D extends Diagnosis = Diagnosis> {
  id: string;
  title: string;
  diagnose(context: DoctorContext): Promise<D>;
  /** Returns what it did, one line each. Throws when it could not. */
  fix?(context: DoctorContext, diagnosis: D): Promise<string[]>;
  /** The fix changes something outside the person's Docker set-up (the daemon's file): only `--fix ID` runs it. */
  fixOnlyWhenNamed?: boolean;
  /**
   * The fix (and a write phase under --fix) neither reads nor writes config.json, so it may run while
   * config.json is unreadable: the runner's rule exists to keep a rewrite from losing what docker reads
   * there, which such a fix never does. Unset: the rule applies.
   */
  fixLeavesDockerConfig?: boolean;
  verify?: WritePhase<D>;
}

