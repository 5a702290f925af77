/**
 * What the Secret Service says about itself: can it be reached, is its default collection there and
 * unlocked, how many matching items are unlocked and locked. Types, and the reading of a collection's
 * properties. Pure.
 */
import type { BusProblem } from '../../../dbus/session-bus.js';
import type { DBusValue, DBusVariant } from '../../../dbus/types.js';

export interface CollectionInfo {
  path: string;
  label: string;
  locked: boolean;
}

export type SecretServiceState =
  /** No bus address, or nothing answers at it (src/dbus/session-bus.ts). */
  | BusProblem
  /** The bus answers; nothing provides org.freedesktop.secrets. */
  | { state: 'no-service'; address: string; detail: string }
  /** The bus answers and passes our call on, but the Secret Service does not answer in time (stopped, wedged). */
  | { state: 'service-silent'; address: string; detail: string }
  /** The Secret Service answers, but has no default collection (nowhere to store). */
  | { state: 'no-default-collection'; address: string }
  | { state: 'ready'; address: string; collection: CollectionInfo };

export interface ItemCount {
  unlocked: number;
  locked: number;
}

/** The object paths of the items SearchItems found. */
export interface ItemPaths {
  unlocked: string[];
  locked: string[];
}

export interface SecretServiceReport {
  service: SecretServiceState;
  /** With attributes to match: how many matching items are unlocked and locked, in any collection. */
  items?: ItemCount;
}

/** The collection at `path`, from its properties (GetAll's a{sv}); locked unless it says otherwise. */
export function collectionInfo(path: string, properties: DBusValue | undefined): CollectionInfo {
  return {
    path,
    label: stringProperty(properties, 'Label') ?? path.split('/').pop() ?? path,
    locked: booleanProperty(properties, 'Locked') ?? true,
  };
}

export function objectPaths(value: DBusValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((path): path is string => typeof path === 'string') : [];
}

/** `GetAll` answers a{sv}: an array of [name, variant] pairs. */
function property(properties: DBusValue | undefined, name: string): DBusValue | undefined {
  if (!Array.isArray(properties)) return undefined;
  for (const entry of properties) {
    if (Array.isArray(entry) && entry[0] === name) return (entry[1] as DBusVariant | undefined)?.value;
  }
  return undefined;
}

function stringProperty(properties: DBusValue | undefined, name: string): string | undefined {
  const value = property(properties, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function booleanProperty(properties: DBusValue | undefined, name: string): boolean | undefined {
  const value = property(properties, name);
  return typeof value === 'boolean' ? value : undefined;
}
