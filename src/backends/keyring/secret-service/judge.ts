/**
 * The judgement behind every empty answer or failure of the keyring on Linux: given what the Secret
 * Service says about itself, is this "locked", "unreachable", or nothing wrong (so not-found, or the
 * library's own error, is the truth)? Pure.
 */
import type { TsstoreError } from '../../../errors.js';
import { lockedError, unreachableError } from './messages.js';
import type { SecretServiceReport } from './state.js';

export interface JudgeContext {
  /** A store: a keyring with nowhere to write is a problem too. */
  writing: boolean;
}

export function judgeReport(report: SecretServiceReport, context: JudgeContext): TsstoreError | undefined {
  const service = report.service;
  if (service.state === 'no-bus' || service.state === 'bus-unreachable' || service.state === 'no-service' || service.state === 'service-silent') return unreachableError(service);
  const label = service.state === 'ready' ? service.collection.label : undefined;
  // The default collection is locked (a locked collection may hide our items), or our item sits in one.
  if (service.state === 'ready' && service.collection.locked) return lockedError(label);
  if (report.items && report.items.locked > 0) return lockedError(undefined);
  // No default collection: reads have nothing to find (not-found is true), a store has nowhere to go.
  if (service.state === 'no-default-collection' && context.writing) return unreachableError(service);
  return undefined;
}
