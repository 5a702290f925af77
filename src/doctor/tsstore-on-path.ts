/** Fixes that point docker at tsstore first make sure docker can run it. */
import { TsstoreError } from '../errors.js';
import type { DoctorContext } from './context.js';

export function installCommand(): string {
  return `install -m 0755 ${process.execPath} /usr/local/bin/docker-credential-tsstore`;
}

/** Pointing docker at a helper it cannot run would break every login: refuse instead. */
export function requireTsstoreOnPath(context: DoctorContext): void {
  if (context.findHelper('tsstore') === undefined) {
    throw new TsstoreError('config', `docker-credential-tsstore is not on PATH, so docker could not use it; install it first: ${installCommand()}`);
  }
}
