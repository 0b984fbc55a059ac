/** lib/transfer without the pre-trained models read from disk: what lib/browser.ts re-exports. */
export { freeze, unfreeze } from './freeze.js';
export { layersOf } from './select-layers.js';
export type { Layer, LayerSelector } from './select-layers.js';
export { replaceHead } from './replace-head.js';
export type { ReplaceHeadOptions } from './replace-head.js';
export { discriminativeLr, DiscriminativeOptimizer } from './discriminative-lr.js';
export type { DiscriminativeLrConfig, LrGroup } from './discriminative-lr.js';
export { checkFits } from './check-fits.js';
export { classCount } from '../check-model-data.js';
export { keepClasses } from './keep-classes.js';
