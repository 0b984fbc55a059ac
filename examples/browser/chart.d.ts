// Types of the dashboard's chart (lib/monitor/dashboard/chart.js), which the demo server serves as
// /chart.js: the page draws its curves with the monitor's own component (uPlot, served as /uplot.js).
export interface Line {
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly color: string;
  readonly width: number;
  readonly dash?: readonly number[];
}
export interface Chart {
  invalidate(): void;
  reset(): void;
  /** `bounds`: the data's extent; `growing` while curves still grow (the x axis keeps room for them). */
  draw(lines: { fixed: readonly Line[]; live: readonly Line[]; bounds: { x0: number; x1: number; y0: number; y1: number; growing?: boolean } | null; log: boolean }): void;
}
/** The chart fills `container` (sized by the page) and follows its size. */
export function createChart(container: HTMLElement, onResize?: () => void): Chart;
export function color(index: number, alpha?: number): string;
