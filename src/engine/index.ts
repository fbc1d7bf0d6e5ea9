export { createEngineComponent } from './component.js';
export type { EngineComponent, EngineComponentOptions, EngineLogger, EnginePorts } from './component.js';
export { Engine } from './engine.js';
export type { EngineOptions, EvaluationReport } from './engine.js';
export { EvaluationLoop } from './loop.js';
export type { LoopOptions } from './loop.js';
export { EXCLUSIONS_NAMESPACE, EXCLUSION_JOURNAL_KIND } from './exclusions.js';
export type { MaintenanceExpander, Range } from './exclusions.js';
export { seriesKey } from './series-key.js';
