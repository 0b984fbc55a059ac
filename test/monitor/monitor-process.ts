// A monitor in a process of its own, for tests that need it to die without closing (SIGKILL): it
// publishes one running trial, prints its URL and waits.
import { startMonitor } from '../../lib/monitor/start-monitor.js';

const monitor = await startMonitor();
monitor.publish('s', { type: 'trialStarted', trial: 0, params: { x: 1 }, time: 0, direction: 'minimize', metric: 'val_loss' });
process.stdout.write(`${monitor.url}\n`);
setInterval(() => undefined, 60_000);
