// Types of ./mount.js for lib/monitor/mount-dashboard.ts (the root tsconfig has no DOM types: the
// element is what mountDashboard() checked it to be).
import type { MonitorCommand, MonitorRecord } from '../protocol.js';

export const MOUNT_CLASS: string;
export interface MountedView {
  apply(record: MonitorRecord<{ readonly type: string }>): void;
  stop(): void;
}
export function mountView(element: unknown, io: { title: string | undefined; send(cmd: MonitorCommand): void }): MountedView | null;
