export { ALERT_STATE_RANK, INACTIVE, compareAlertStates, noDataActive, parseAlertState, sameSavedState, step } from './state.js';
export type { AlertState, StepOptions } from './state.js';
export { alertTransitions } from './transitions.js';
