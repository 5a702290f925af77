/** A check whose write phase, allowed by `flag`, records each call and adds one line: the runner's tests spy with it. */
import type { Check, Diagnosis, WriteFlag } from '../../src/doctor/check.js';

export function writingCheck(flag: WriteFlag, calls: Diagnosis[]): Check {
  return {
    id: `writes-under-${flag}`,
    title: `Writes under --${flag}`,
    async diagnose() {
      return { status: 'ok', details: ['looked'] };
    },
    verify: {
      when: flag,
      async run(_context, diagnosis) {
        calls.push(diagnosis);
        return { ...diagnosis, details: [...diagnosis.details, `wrote under --${flag}`] };
      },
    },
  };
}
