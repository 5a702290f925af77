/**
 * The one rule for files and folders that hold secrets or lead to them (the store key, the passphrase
 * file, the agent folder, everything doctor's file-permissions looks at): group and others get no
 * right at all, not even to list or enter. Each caller says in its own words what to do about it.
 */

/** The permission bits of group and others. */
const GROUP_AND_OTHERS = 0o077;

/** Pure: whether `mode` (a stat mode, or its permission bits) lets nobody but the owner in. */
export function onlyOwnerMayAccess(mode: number): boolean {
  return (mode & GROUP_AND_OTHERS) === 0;
}
