/**
 * What moving logins into tsstore would do, decided before anything is written. A login tsstore already
 * holds is never replaced by a different one unless the person names its registry (--overwrite): the
 * copy in a file or another helper may be the stale one. Keys and usernames `store` would refuse are
 * refused here too, so nothing is moved that `get` or `list` could not show again.
 */
import type { Backend, StoredLogin } from '../backends/backend.js';
import { describeError } from '../errors.js';
import { checkStorableLogin } from '../protocol/codec.js';

/** A login found elsewhere (config.json, an auth file, another helper), offered to tsstore. */
export interface Candidate {
  registry: string;
  username: string;
  secret: string;
}

export type Step =
  /** Not in tsstore yet (or named with --overwrite): store it. */
  | { action: 'store'; candidate: Candidate }
  /** tsstore holds this very login: nothing to store, the copy elsewhere may go. */
  | { action: 'already-held'; candidate: Candidate }
  /** tsstore holds another login for the registry: kept, and the copy elsewhere is left in place. */
  | { action: 'conflict'; candidate: Candidate; heldUsername: string }
  /** Cannot be moved: a key or username `store` refuses, or tsstore's own login could not be read to compare. */
  | { action: 'refused'; candidate: Candidate; reason: string };

/** Pure: what to do with one candidate, given the login tsstore holds under exactly its key. */
export function judgeCandidate(candidate: Candidate, held: StoredLogin | undefined, overwrite: boolean): Step {
  try {
    checkStorableLogin(candidate.registry, candidate.username);
  } catch (error) {
    return { action: 'refused', candidate, reason: `tsstore does not store it: ${describeError(error)}` };
  }
  if (held === undefined) return { action: 'store', candidate };
  if (held.username === candidate.username && held.secret === candidate.secret) return { action: 'already-held', candidate };
  if (overwrite) return { action: 'store', candidate };
  return { action: 'conflict', candidate, heldUsername: held.username };
}

/**
 * Plans moves into one store. Sources are planned in the order the clients read them: a registry a
 * first source is to store counts as held for the later ones, so the first copy wins and a different
 * later copy is a conflict, whether or not the first was stored yet.
 */
export class MigrationPlanner {
  private held: Promise<Map<string, string>> | undefined;
  private readonly planned = new Map<string, StoredLogin>();

  constructor(
    readonly store: Backend,
    private readonly overwrite: ReadonlySet<string> = new Set(),
  ) {}

  async plan(candidates: readonly Candidate[]): Promise<Step[]> {
    this.held ??= this.store.list();
    const held = await this.held;
    const steps: Step[] = [];
    for (const candidate of candidates) {
      // --overwrite lets the first source replace tsstore's login, never a later source the first.
      const fromEarlierSource = this.planned.has(candidate.registry);
      let login = this.planned.get(candidate.registry);
      if (login === undefined && held.has(candidate.registry)) {
        try {
          login = await this.store.get(candidate.registry);
        } catch (error) {
          steps.push({ action: 'refused', candidate, reason: `cannot compare it with the login tsstore holds: ${describeError(error)}` });
          continue;
        }
      }
      const step = judgeCandidate(candidate, login, this.overwrite.has(candidate.registry) && !fromEarlierSource);
      if (step.action === 'store') this.planned.set(candidate.registry, candidate);
      steps.push(step);
    }
    return steps;
  }
}
