// Types of ./dashboard-bundling.mjs for the TypeScript that imports it (the example's server, tests).
import type { BuildOptions } from 'esbuild';
export declare const DASHBOARD_DEPENDENCIES: Readonly<Record<string, string>>;
export declare function dependencyPath(spec: string): string;
export declare const dashboardBundling: Pick<BuildOptions, 'loader' | 'plugins'>;
