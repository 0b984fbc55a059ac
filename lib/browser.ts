/**
 * `rxtrain` in a browser (the `browser` export condition; built into dist/browser/ by
 * scripts/build-browser.mjs): the Node-free core (lib/core.ts), the browser's `useBackend` (webgpu,
 * webgl, wasm, cpu) and a study storage in IndexedDB. Not here, because they need Node: SQLite and
 * PostgreSQL storage, worker threads, remote workers, the WebSocket monitor's server (its dashboard is
 * here: `mountDashboard()` draws it in the page; `remoteMonitor()` sends a page's runs to one), file
 * loaders and the bundled data read from disk, ensembles (saved to folders). PBT is here with its
 * checkpoints in memory (memoryCheckpoints), not in folders.
 * test/architecture/browser-core.test.ts checks that nothing here reaches a Node module.
 */
export * from './core.js';

// Backend: the browser's choices
export { useBackend, browserBackendNames } from './backend/use-browser-backend.js';
export type { BrowserBackendName, BrowserBackendInfo, UseBrowserBackendOptions } from './backend/use-browser-backend.js';

// Population-based training in the page, its checkpoints in memory
export { pbt } from './pbt/pbt-browser.js';

// A study that survives a reload
export { indexedDbStorage } from './storage/indexeddb-storage.js';
export type { IndexedDbStorage } from './storage/indexeddb-storage.js';

// Trials in Web Workers (the browser's worker threads)
export { webWorkerObjective } from './web-workers/web-worker-objective.js';
export type { WebWorkerObjective, WebWorkerObjectiveConfig, WorkerHold } from './web-workers/web-worker-objective.js';
export { serveTrials } from './web-workers/serve-trials.js';
export type { WorkerTrialInput, WorkerTrialControl } from './web-workers/trial-input.js';

// A page's runs to a Node monitor (startMonitor with a publishToken), over the page's WebSocket
export { remoteMonitor } from './monitor/remote-monitor.js';
// The monitor's dashboard in the page, fed by its own streams (no server)
export { mountDashboard } from './monitor/mount-dashboard.js';
export type { MountDashboardOptions, MountedDashboard, DashboardElement } from './monitor/mount-dashboard.js';

// The monitor's records (a page can show a study's events itself)
export type { MonitorSink, MonitorControl } from './monitor/start-monitor.js';
export type { MonitorRecord, MonitorCommand, KnownEvent, AnyEvent, RunEnd } from './monitor/protocol.js';
