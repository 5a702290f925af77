/**
 * The Secret Service's side of what tsstore asks, for scripted services in unit tests: matching items by
 * attributes, and the dh-ietf1024-sha256-aes128-cbc-pkcs7 session with node:crypto (an implementation
 * independent of dh-session.ts).
 */
import * as nodeCrypto from 'node:crypto';
import { DBusError } from '../../../../src/dbus/connection.js';
import type { DBusValue, DBusVariant } from '../../../../src/dbus/types.js';
import { DH_ALGORITHM, modp1024 } from '../../../../src/backends/keyring/secret-service/dh-session.js';
import type { ItemPaths } from '../../../../src/backends/keyring/secret-service/state.js';

const PRIME = Buffer.from(modp1024());

/** SearchItems: the paths of the items holding every one of `attributes`, split by lock state. */
export function matchingItems(stored: ReadonlyMap<string, { attributes: Record<string, string>; locked: boolean }>, attributes: Record<string, string>): ItemPaths {
  const paths: ItemPaths = { unlocked: [], locked: [] };
  for (const [path, item] of stored) {
    if (Object.entries(attributes).every(([key, value]) => item.attributes[key] === value)) (item.locked ? paths.locked : paths.unlocked).push(path);
  }
  return paths;
}

/**
 * OpenSession as gnome-keyring answers it: the reply body and the AES key both sides then share.
 * Throws NotSupported for any other algorithm, or for every algorithm when `refuse` is set.
 */
export function openServiceSession(body: DBusValue[], sessionPath: string, refuse = false): { reply: DBusValue[]; key: Buffer } {
  const [algorithm, input] = body as [string, DBusVariant];
  if (refuse || algorithm !== DH_ALGORITHM) throw new DBusError('org.freedesktop.DBus.Error.NotSupported: no', 'org.freedesktop.DBus.Error.NotSupported');
  const dh = nodeCrypto.createDiffieHellman(PRIME, Buffer.from([2]));
  const ours = dh.generateKeys();
  const shared = dh.computeSecret(Buffer.from(input.value as number[]));
  const key = Buffer.from(nodeCrypto.hkdfSync('sha256', shared, Buffer.alloc(0), Buffer.alloc(0), 16));
  return { reply: [{ signature: 'ay', value: [...ours] }, sessionPath], key };
}
