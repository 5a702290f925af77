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

/**
 * What a verb waits for when a person runs it by hand at a terminal (stdin a tty); docker's pipes never
 * see it. On stderr, so stdout stays the protocol's.
 */
export function inputPrompt(verb: 'store' | 'get' | 'erase'): string {
  const what = verb === 'store' ? 'the credentials as JSON {"ServerURL":"…","Username":"…","Secret":"…"}' : 'the server URL';
  return `${HELPER_NAME}: reading ${what} from standard input (end with Ctrl-D)`;
}

export const USAGE = `Usage: ${HELPER_NAME} <store|get|erase|list|version>`;
