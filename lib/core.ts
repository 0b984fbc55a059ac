/**
 * What `rxtrain` exports in Node and in a browser alike: the Node-free core. lib/index.ts (Node) and
 * lib/browser.ts (the browser build) each re-export it and add their own: the backends, storages and
 * runtimes of their platform. test/architecture/browser-core.test.ts checks that nothing here needs Node.
 */
// Events, errors, and the things passed in (time, randomness)
export { isEvent } from './events.js';
export type { Batch, EpochBoundary, RunStart, StepEvent, EpochEnd, LearningRateChange, RunStopped, CheckpointSaved, TrainEvent, Metrics, MetricName, TrainMetricName, ValidationMetricName } from './events.js';
export { RxtrainError } from './errors.js';
export type { RxtrainErrorCode } from './errors.js';
export { systemClock, manualClock } from './clock.js';
export type { Clock } from './clock.js';
export { createRandom, permutation, hashSeed } from './random.js';
export type { Random } from './random.js';

// Backend: the wasm training kernels (useBackend is each platform's own)
export { registerWasmTrainingKernels, replaceStockWasmKernels, restoreStockWasmKernels, stockWasmKernel } from './backend/register-wasm-kernels.js';

// Data from arrays and text
export { batches, toArrayDataset } from './data/batches.js';
export type { BatchSource, BatchesConfig, SampleDataset } from './data/batches.js';
export type { ArrayDataset, DataSplits } from './data/types.js';
export { fromArrays, fromTensors } from './data/from-arrays.js';
export { parseCsv } from './data/csv.js';
export type { CsvOptions, CsvDataset } from './data/csv.js';
export { parseDigits } from './data/digits-csv.js';
export type { DigitsOptions } from './data/bundled.js';
export { fitNormalizer, applyNormalizer } from './data/normalize.js';
export type { NormalizeKind, NormalizerStats } from './data/normalize.js';
export { toOneHot } from './data/one-hot.js';
export { split, subset, take } from './data/split.js';
export type { SplitConfig } from './data/split.js';

// Saving and loading models: folders in Node, tfjs URLs (indexeddb://, localstorage://, downloads://)
export { saveModel, loadModel } from './io/save-load.js';

// Search: spaces, samplers, pruners
export { space, uniform, logUniform, int, choice, when } from './search/index.js';
export type { SearchSpace, InferParams, Dim, Conditional, ParamDef, SpaceDefinition } from './search/index.js';
export type { ParamValue, Params, Distribution, Condition, ParamSpec, SearchSpaceLike, Direction, TrialState, FrozenTrial, SampleContext, Sampler, Pruner } from './search/index.js';
export { randomSampler, gridSampler, tpeSampler, gpSampler, cmaEsSampler } from './search/index.js';
export type { RandomSamplerConfig, GridSampler, GridSamplerConfig, TpeSamplerConfig, GpSamplerConfig, CmaEsSamplerConfig } from './search/index.js';
export { qmcSampler, partialFixedSampler } from './search/index.js';
export type { QmcSamplerConfig, PartialFixedSamplerConfig } from './search/index.js';
export { medianPruner, percentilePruner, successiveHalvingPruner, hyperbandPruner } from './search/index.js';
export type { MedianPrunerConfig, PercentilePrunerConfig, SuccessiveHalvingPrunerConfig, HyperbandPrunerConfig, HyperbandPruner } from './search/index.js';
export { thresholdPruner, patientPruner, wilcoxonPruner, signedRankTest } from './search/index.js';
export type { ThresholdPrunerConfig, PatientPrunerConfig, WilcoxonPrunerConfig, SignedRankResult, SignedRankAlternative } from './search/index.js';
export { importance } from './search/index.js';
export type { ImportanceOptions, ImportanceSource } from './search/index.js';
export { nsga2Sampler } from './search/index.js';
export type { Nsga2SamplerConfig } from './search/index.js';
export { hypervolume } from './search/index.js';

// Studies and the storages that need no Node
export { study } from './study/study.js';
export type { Study, StudyConfig, ParamsOf } from './study/study.js';
export type { Trial } from './study/trial.js';
export type { Objective, ObjectiveResult, OptimizeOptions } from './study/optimize.js';
export type { TrialSource, TrialRun, TrialFeed, StartedTrial, OnEnded } from './study/trial-source.js';
export type { StudyEvent, TrialStarted, TrialEpochEnd, TrialPruned, TrialCompleted, TrialFailed, TrialLrChange, NewBest, StudyCompleted, PrunedEvent } from './study/study-events.js';
export type { ParetoFrontChanged } from './study/study-events.js';
export { memoryStorage } from './storage/memory-storage.js';
export { journalStorage } from './storage/journal-storage.js';
export type { Journal, JournalEntry, JournalOp } from './storage/journal-storage.js';
export type { Storage, StudySpec, StudyRecord, OpenedStudy, NewTrial, TrialOutcome } from './storage/storage.js';

// Evolutionary search
export { evolve } from './evolve/index.js';
export type { EvolveConfig, EvolveAttrs, Population, Member, MemberEvent, MemberOrigin, CrossoverKind, SelectionKind } from './evolve/index.js';

// Fine-tuning a model in hand
export { freeze, unfreeze, layersOf, replaceHead, discriminativeLr, DiscriminativeOptimizer, checkFits, classCount, keepClasses } from './transfer/browser.js';
export type { Layer, LayerSelector, ReplaceHeadOptions, DiscriminativeLrConfig, LrGroup } from './transfer/browser.js';

// Sending a run's events to a monitor in another process (remoteMonitor itself is each platform's: its WebSocket)
export type { RemoteMonitor, RemoteMonitorConfig, RemoteMonitorStats, RemoteMonitorStatus, SocketLike } from './monitor/remote-monitor.js';

// Population-based training: its members, checkpoints in memory, its events (pbt() is each platform's)
export * from './pbt/shared.js';

// Cross-validation
export { crossValidate } from './cross-validation/cross-validate.js';
export type { CrossValidationEvent, FoldResult, CrossValidationSummary, FoldMetrics, FoldOutcome, FoldTraining } from './cross-validation/cross-validate.js';
export { crossValidated } from './cross-validation/cross-validated.js';
export type { TrialFoldTraining, FoldMeanEvent } from './cross-validation/cross-validated.js';
export type { KFoldConfig } from './cross-validation/k-folds.js';


// Models, losses, optimizers, training
export { mlp } from './models/mlp.js';
export type { MlpConfig, Activation } from './models/mlp.js';
export { cnn } from './models/cnn.js';
export type { CnnConfig } from './models/cnn.js';
export type { RegularizationOptions } from './models/regularization.js';
export { optimizer, getLearningRate, setLearningRate, optimizerNames, applyGradientsByName } from './optimizers.js';
export type { OptimizerName, OptimizerConfig } from './optimizers.js';
export { lossNames } from './losses.js';
export type { Loss, LossName, LossFunction } from './losses.js';
export { metricKinds, metricDirection } from './metrics/metric-names.js';
export type { MetricKind, ConfusionMetric } from './metrics/metric-names.js';
export { balancedClassWeight } from './class-weights.js';
export type { ClassWeight } from './class-weights.js';
export type { ClassReport, ClassReportLine } from './metrics/class-report.js';
export { evaluate, predictAll } from './evaluate.js';
export type { EvaluateConfig, EvaluationSource, Evaluation } from './evaluate.js';
export { inferenceTime } from './inference-time.js';
export type { InferenceTimeConfig } from './inference-time.js';
export { train } from './train.js';
export type { TrainConfig } from './train.js';
