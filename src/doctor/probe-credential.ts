/**
 * The probe credential the backend check writes, reads back and erases under --fix. A crash between
 * the write and the erase can leave one behind: no check counts it as a registry login.
 */
export const PROBE_PREFIX = 'tsstore-doctor-probe-';

export function isProbeKey(key: string): boolean {
  return key.startsWith(PROBE_PREFIX);
}
