/**
 * rxtrain: reactive training and hyperparameter search for TensorFlow.js.
 * This barrel is the public surface of `rxtrain`; operators live in `rxtrain/operators`.
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

// Backend
export { useBackend, backendNames } from './backend/use-backend.js';
export type { BackendName, BackendInfo, UseBackendOptions } from './backend/use-backend.js';
export { registerWasmTrainingKernels, replaceStockWasmKernels, restoreStockWasmKernels, stockWasmKernel } from './backend/register-wasm-kernels.js';

// Data
export { batches, toArrayDataset } from './data/batches.js';
export type { BatchSource, BatchesConfig, SampleDataset } from './data/batches.js';
export type { ArrayDataset, DataSplits } from './data/types.js';
export { fromArrays, fromTensors } from './data/from-arrays.js';
export { parseCsv } from './data/csv.js';
export { loadCsv } from './data/load-csv.js';
export type { CsvOptions, CsvDataset } from './data/csv.js';
export { loadIdx, parseIdx, loadIdxDataset } from './data/idx.js';
export type { IdxArray, IdxDtype, IdxDatasetOptions } from './data/idx.js';
export { digits, wine, breastCancer, iris, diabetes } from './data/bundled.js';
export { fashionMnist, FASHION_MNIST_CLASSES } from './data/fashion-mnist.js';
export type { FashionMnistOptions } from './data/fashion-mnist.js';
export type { DigitsOptions } from './data/bundled.js';
export { fitNormalizer, applyNormalizer } from './data/normalize.js';
export type { NormalizeKind, NormalizerStats } from './data/normalize.js';
export { toOneHot } from './data/one-hot.js';
export { split, subset, take } from './data/split.js';
export type { SplitConfig } from './data/split.js';

// Saving and loading models (tfjs model.json + weights.bin, any backend)
export { saveModel, loadModel } from './io/save-load.js';
export { fileIO } from './io/file-io.js';

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

// Studies and storage
export { study } from './study/study.js';
export type { Study, StudyConfig, ParamsOf } from './study/study.js';
export type { Trial } from './study/trial.js';
export type { Objective, ObjectiveResult, OptimizeOptions } from './study/optimize.js';
export type { TrialSource, TrialRun, TrialFeed, StartedTrial, OnEnded } from './study/trial-source.js';
export type { StudyEvent, TrialStarted, TrialEpochEnd, TrialPruned, TrialCompleted, TrialFailed, TrialLrChange, NewBest, StudyCompleted, PrunedEvent } from './study/study-events.js';
export type { ParetoFrontChanged } from './study/study-events.js';
export { memoryStorage } from './storage/memory-storage.js';
export { sqliteStorage } from './storage/sqlite-storage.js';
export { SQLITE_SCHEMA_VERSION } from './storage/sqlite-schema.js';
export type { SqliteStorageOptions } from './storage/sqlite-storage.js';
export type { Storage, StudySpec, StudyRecord, OpenedStudy, NewTrial, TrialOutcome } from './storage/storage.js';
export { postgresStorage } from './storage/postgres/postgres-storage.js';
export type { PostgresStorageOptions, WatchableStorage } from './storage/postgres/postgres-storage.js';
export { POSTGRES_SCHEMA_VERSION } from './storage/postgres/schema.js';

// Many processes, many machines: a driver queues and follows trials, workers run them
export { remoteWorkers } from './distributed/remote-source.js';
export type { RemoteWorkers } from './distributed/remote-source.js';
export { runWorker } from './distributed/run-worker.js';
export type { RunWorkerConfig } from './distributed/run-worker.js';
export { remotePbtMembers } from './distributed/remote-pbt.js';
export type { RemotePbtConfig } from './distributed/remote-pbt.js';
export { segmentObjective } from './distributed/pbt-segment.js';
export type { PbtSegment } from './distributed/pbt-segment.js';

// Fine-tuning pre-trained models
export { freeze, unfreeze, layersOf, replaceHead, discriminativeLr, DiscriminativeOptimizer, checkFits, classCount, keepClasses, pretrained, pretrainedInfo, pretrainedNames, modelsDir } from './transfer/index.js';
export type { Layer, LayerSelector, ReplaceHeadOptions, DiscriminativeLrConfig, LrGroup, PretrainedInfo } from './transfer/index.js';

// Ensembles
export { ensemble, loadEnsemble, bagging, boosting, stacking, topK, saveTrialModel } from './ensemble/index.js';
export type { Ensemble, EnsembleConfig, EnsembleManifest, Combine, BaggingConfig, BoostingConfig, StackingConfig, FinishedStudy, MemberTraining } from './ensemble/index.js';

// Evolutionary search and population-based training
export { evolve } from './evolve/index.js';
export type { EvolveConfig, EvolveAttrs, Population, Member, MemberEvent, MemberOrigin, CrossoverKind, SelectionKind } from './evolve/index.js';
export { pbt, layersMember, saveOptimizerState, loadOptimizerState, toyMember, toyQ, toySpace } from './pbt/index.js';
export type { PbtConfig, PbtMember, PbtMemberInput, PbtObjective, PbtModuleObjective, MemberEpochEnd, ExploreConfig, ParamSchedule, PbtEvent, PbtStarted, PbtEpochEnd, PbtMemberFailed, PbtReady, PbtNewBest, PbtExploit, PbtExplore, PbtCompleted, LayersMemberConfig, ToyMemberConfig, ToyParams } from './pbt/index.js';

// The live monitor: WebSocket server, dashboard, client
export { startMonitor } from './monitor/start-monitor.js';
export type { Monitor, MonitorConfig, MonitorSink, MonitorControl } from './monitor/start-monitor.js';
export type { MonitorStats } from './monitor/hub.js';
export { connectMonitor } from './monitor/connect-monitor.js';
export type { ConnectMonitorConfig, ConnectionStatus } from './monitor/connect-monitor.js';
export { sendCommand } from './monitor/send-command.js';
export { MONITOR_PROTOCOL } from './monitor/protocol.js';
export type { MonitorRecord, MonitorCommand, ServerMessage, ClientMessage, KnownEvent, AnyEvent, RunEnd, MonitorControlEvent, StopRequested, RefusalCode, GenerationStarted, GenerationMember, HoldEvent } from './monitor/protocol.js';
export type { RunObjective } from './monitor/objective.js';

// Worker threads: one tfjs per thread, tasks (trials) in parallel
export { workerPool } from './parallel/worker-pool.js';
export type { WorkerPool, WorkerPoolConfig, WorkerTask } from './parallel/worker-pool.js';
export { workerObjective } from './distributed/worker-objective.js';
export type { WorkerObjectiveConfig } from './distributed/worker-objective.js';
export type { WorkerTrialInput } from './distributed/trial-function.js';

// Cross-validation: k folds of a data set, and a study objective over them
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
