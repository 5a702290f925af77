/**
 * Which backend `init` sets up, and whether it records it: pure, from `--backend`, TSSTORE_BACKEND and
 * what settings.json records. TSSTORE_BACKEND decides for init as for every other command; like them,
 * it never rewrites a different recorded choice (that would switch the backend silently for every
 * command run without it).
 */
import type { BackendName } from '../backends/backend.js';
import { TsstoreError } from '../errors.js';

export interface InitBackendInputs {
  flag: BackendName | undefined;
  override: BackendName | undefined;
  recorded: BackendName | undefined;
  settingsFile: string;
}

export type InitBackendPlan =
  /** Nothing decides yet: probe as a first `store` does, then record the result. */
  | { kind: 'probe' }
  | { kind: 'set-up'; backend: BackendName; record: true }
  /** TSSTORE_BACKEND names another backend than settings.json: set it up, leave the record alone. */
  | { kind: 'set-up'; backend: BackendName; record: false; recorded: BackendName };

export function planInitBackend({ flag, override, recorded, settingsFile }: InitBackendInputs): InitBackendPlan {
  if (flag && override && flag !== override) {
    throw new TsstoreError('usage', `--backend ${flag} and TSSTORE_BACKEND=${override} disagree; unset TSSTORE_BACKEND or drop --backend`);
  }
  const backend = flag ?? override ?? recorded;
  if (!backend) return { kind: 'probe' };
  if (!recorded || recorded === backend) return { kind: 'set-up', backend, record: true };
  if (flag) {
    throw new TsstoreError('config', `tsstore already keeps credentials in the ${recorded} backend (${settingsFile}); switching is not supported yet`);
  }
  return { kind: 'set-up', backend, record: false, recorded };
}

/** What init says when TSSTORE_BACKEND set up a backend settings.json does not record. */
export function overrideNotRecordedLine(plan: InitBackendPlan, settingsFile: string): string | undefined {
  if (plan.kind !== 'set-up' || plan.record) return undefined;
  return `${settingsFile} still records the ${plan.recorded} backend: commands use ${plan.backend} only while TSSTORE_BACKEND=${plan.backend} is set.`;
}
