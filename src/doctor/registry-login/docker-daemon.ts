/** Moved to src/docker/daemon-settings.ts (the daemon paths, rootless included, live there); kept for callers. */
export * from '../../docker/daemon-settings.js';
