/** Population-based training in Node: the public surface of lib/pbt (lib/pbt/shared.ts, and what needs Node). */
export * from './shared.js';
export { pbt } from './pbt.js';
export { folderCheckpoints } from './folder-checkpoints.js';
export { saveOptimizerState, loadOptimizerState } from './optimizer-state.js';
export type { PbtModuleObjective } from './types.js';
