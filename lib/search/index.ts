/**
 * The search area's public surface: search spaces, samplers (and pruners). One export per line, so
 * that additions from different people merge cleanly.
 */
// Shared vocabulary
export type { ParamValue, Params, Distribution, Condition, ParamSpec, SearchSpaceLike, Direction, TrialState, FrozenTrial, SampleContext, Sampler, Pruner } from './types.js';

// Search spaces
export { space } from './space.js';
export { uniform } from './space.js';
export { logUniform } from './space.js';
export { int } from './space.js';
export { choice } from './space.js';
export { when } from './space.js';
export type { SearchSpace } from './space.js';
export type { InferParams } from './space.js';
export type { Dim } from './space.js';
export type { Conditional } from './space.js';
export type { ParamDef } from './space.js';
export type { SpaceDefinition } from './space.js';

// Samplers
export { randomSampler } from './samplers/random-sampler.js';
export type { RandomSamplerConfig } from './samplers/random-sampler.js';
export { gridSampler } from './samplers/grid-sampler.js';
export type { GridSampler } from './samplers/grid-sampler.js';
export type { GridSamplerConfig } from './samplers/grid-sampler.js';
export { tpeSampler } from './samplers/tpe-sampler.js';
export type { TpeSamplerConfig } from './samplers/tpe-sampler.js';
export { gpSampler } from './samplers/gp-sampler.js';
export type { GpSamplerConfig } from './samplers/gp-sampler.js';
export { cmaEsSampler } from './samplers/cma-es-sampler.js';
export type { CmaEsSamplerConfig } from './samplers/cma-es-sampler.js';
export { qmcSampler } from './samplers/qmc-sampler.js';
export type { QmcSamplerConfig } from './samplers/qmc-sampler.js';
export { partialFixedSampler } from './samplers/partial-fixed-sampler.js';
export type { PartialFixedSamplerConfig } from './samplers/partial-fixed-sampler.js';
export { nsga2Sampler } from './samplers/nsga2-sampler.js';
export type { Nsga2SamplerConfig } from './samplers/nsga2-sampler.js';

// Multi-objective
export { hypervolume } from './math/hypervolume.js';

// Pruners
export { medianPruner } from './pruners/median-pruner.js';
export type { MedianPrunerConfig } from './pruners/median-pruner.js';
export { percentilePruner } from './pruners/percentile-pruner.js';
export type { PercentilePrunerConfig } from './pruners/percentile-pruner.js';
export { successiveHalvingPruner } from './pruners/successive-halving-pruner.js';
export type { SuccessiveHalvingPrunerConfig } from './pruners/successive-halving-pruner.js';
export { hyperbandPruner } from './pruners/hyperband-pruner.js';
export type { HyperbandPrunerConfig } from './pruners/hyperband-pruner.js';
export type { HyperbandPruner } from './pruners/hyperband-pruner.js';
export { thresholdPruner } from './pruners/threshold-pruner.js';
export type { ThresholdPrunerConfig } from './pruners/threshold-pruner.js';
export { patientPruner } from './pruners/patient-pruner.js';
export type { PatientPrunerConfig } from './pruners/patient-pruner.js';
export { wilcoxonPruner } from './pruners/wilcoxon-pruner.js';
export type { WilcoxonPrunerConfig } from './pruners/wilcoxon-pruner.js';
export { signedRankTest } from './math/wilcoxon.js';
export type { SignedRankResult, SignedRankAlternative } from './math/wilcoxon.js';

// Parameter importance
export { importance } from './importance/importance.js';
export type { ImportanceOptions, ImportanceSource } from './importance/importance.js';
