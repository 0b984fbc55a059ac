/**
 * rxtrain: reactive training and hyperparameter search for TensorFlow.js.
 * This barrel is the public surface of `rxtrain` in Node; operators live in `rxtrain/operators`.
 * What Node and a browser share (events, data from arrays, search, studies, evolve, models, train,
 * ...) is lib/core.ts; here is what Node adds: its backends, files, SQLite and PostgreSQL, threads and
 * processes, PBT, ensembles and the WebSocket monitor. (A browser gets lib/browser.ts instead.)
 */
export * from './core.js';

// Backend
export { useBackend, backendNames } from './backend/use-backend.js';
export type { BackendName, BackendInfo, UseBackendOptions } from './backend/use-backend.js';
export { blasInfo, blasUnavailable, chooseBlas } from './backend/blas/blas-state.js';
export type { BlasChoice, BlasInfo } from './backend/blas/blas-state.js';

// Data from files
export { loadCsv } from './data/load-csv.js';
export { loadIdx, parseIdx, loadIdxDataset } from './data/idx.js';
export type { IdxArray, IdxDtype, IdxDatasetOptions } from './data/idx.js';
export { digits, wine, breastCancer, iris, diabetes } from './data/bundled.js';
export { fashionMnist, FASHION_MNIST_CLASSES } from './data/fashion-mnist.js';
export type { FashionMnistOptions } from './data/fashion-mnist.js';

// Saving models to folders (tfjs model.json + weights.bin, any backend)
export { fileIO } from './io/file-io.js';

// Storage in files and databases
export { sqliteStorage } from './storage/sqlite-storage.js';
export { SQLITE_SCHEMA_VERSION } from './storage/sqlite-schema.js';
export type { SqliteStorageOptions } from './storage/sqlite-storage.js';
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
export { pretrained, pretrainedInfo, pretrainedNames, modelsDir } from './transfer/index.js';
export type { PretrainedInfo } from './transfer/index.js';

// Ensembles
export { ensemble, loadEnsemble, bagging, boosting, stacking, topK, saveTrialModel } from './ensemble/index.js';
export type { Ensemble, EnsembleConfig, EnsembleManifest, Combine, BaggingConfig, BoostingConfig, StackingConfig, FinishedStudy, MemberTraining } from './ensemble/index.js';

// Population-based training: pbt() with members in worker threads and checkpoints in folders (the members and memoryCheckpoints are in lib/core.ts)
export { pbt, saveOptimizerState, loadOptimizerState, folderCheckpoints } from './pbt/index.js';
export type { PbtModuleObjective } from './pbt/index.js';

// The live monitor: WebSocket server, dashboard, client
export { startMonitor } from './monitor/start-monitor.js';
export type { Monitor, MonitorConfig, MonitorSink, MonitorControl } from './monitor/start-monitor.js';
export type { MonitorStats } from './monitor/hub.js';
export { connectMonitor } from './monitor/connect-monitor.js';
export { remoteMonitor } from './monitor/remote-monitor-node.js';
export type { ConnectMonitorConfig, ConnectionStatus } from './monitor/connect-monitor.js';
export { sendCommand } from './monitor/send-command.js';
export { storageDashboard } from './monitor/storage-dashboard.js';
export type { StorageDashboard, StorageDashboardConfig } from './monitor/storage-dashboard.js';
export type { StudySummary } from './monitor/study-summary.js';
export { importanceFeed } from './monitor/importance-feed.js';
export type { ImportanceFeedOptions, ParamImportance } from './monitor/importance-feed.js';
export { MONITOR_PROTOCOL } from './monitor/protocol.js';
export type { MonitorRecord, MonitorCommand, ServerMessage, ClientMessage, PublishMessage, KnownEvent, AnyEvent, RunEnd, MonitorControlEvent, StopRequested, RefusalCode, GenerationStarted, GenerationMember, HoldEvent, MonitorSource } from './monitor/protocol.js';
export type { RunObjective } from './monitor/objective.js';

// Worker threads: one tfjs per thread, tasks (trials) in parallel
export { workerPool } from './parallel/worker-pool.js';
export type { WorkerPool, WorkerPoolConfig, WorkerTask } from './parallel/worker-pool.js';
export { workerObjective } from './distributed/worker-objective.js';
export type { WorkerObjectiveConfig } from './distributed/worker-objective.js';
export type { WorkerTrialInput } from './distributed/trial-function.js';
