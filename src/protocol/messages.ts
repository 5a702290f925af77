/**
 * Texts that Docker clients match exactly (docker/cli, containers/image, oras-go). Do not reword them.
 */
export const CREDENTIALS_NOT_FOUND = 'credentials not found in native keychain';
export const MISSING_SERVER_URL = 'no credentials server URL';
export const MISSING_USERNAME = 'no credentials username';

export const HELPER_NAME = 'docker-credential-tsstore';
export const PROTOCOL_VERBS = ['store', 'get', 'erase', 'list', 'version'] as const;
export type ProtocolVerb = (typeof PROTOCOL_VERBS)[number];

export function isProtocolVerb(word: string | undefined): word is ProtocolVerb {
  return (PROTOCOL_VERBS as readonly string[]).includes(word ?? '');
}

export function unknownActionMessage(action: string): string {
  return `${HELPER_NAME}: unknown action: ${action.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?")}`;
}

export const USAGE = `Usage: ${HELPER_NAME} <store|get|erase|list|version>`;
