/** The lines an agent prints on its stdout for the process that started it, then never again. */
export const READY_LINE = 'tsstore-agent ready';
export const ALREADY_RUNNING_LINE = 'tsstore-agent already running';
