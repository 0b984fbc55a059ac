/** Ensembles: an ensemble is a model (`predict`, `evaluate`, `save`/`loadEnsemble`). Re-exported from `rxtrain`. */
export { ensemble, loadEnsemble } from './ensemble.js';
export type { Ensemble, EnsembleConfig, EnsembleManifest, Combine } from './ensemble.js';
export { bagging } from './bagging.js';
export type { BaggingConfig } from './bagging.js';
export { boosting } from './boosting.js';
export type { BoostingConfig } from './boosting.js';
export { stacking } from './stacking.js';
export type { StackingConfig } from './stacking.js';
export { topK, saveTrialModel } from './top-k.js';
export type { FinishedStudy } from './top-k.js';
export type { MemberTraining } from './train-members.js';
