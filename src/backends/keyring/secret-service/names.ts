/** The Secret Service's names on the bus (the freedesktop.org Secret Service API). */
export const SECRETS = 'org.freedesktop.secrets';
export const SERVICE_PATH = '/org/freedesktop/secrets';
export const SERVICE_INTERFACE = 'org.freedesktop.Secret.Service';
export const COLLECTION_INTERFACE = 'org.freedesktop.Secret.Collection';
export const ITEM_INTERFACE = 'org.freedesktop.Secret.Item';
export const DEFAULT_ALIAS = '/org/freedesktop/secrets/aliases/default';
export const PROPERTIES_INTERFACE = 'org.freedesktop.DBus.Properties';
/** "No prompt needed", where a path to a prompt would be. */
export const NO_PROMPT = '/';
