/**
 * One {@link importanceFeed} per run that publishes study events to a monitor, fed off the producer's
 * call: `see` only passes the few event types the feed reads on, and the feed (with its forest) runs in
 * a later macrotask, so `publish` stays as cheap as it was and a computation never runs inside it.
 */
import { Subject, asyncScheduler, observeOn, type Subscription } from 'rxjs';
import { configError } from '../errors.js';
import { importanceFeed, type ImportanceFeedOptions, type ParamImportance } from './importance-feed.js';

const READ = new Set(['trialStarted', 'trialCompleted', 'newBest', 'paretoFrontChanged', 'studyCompleted']);

/**
 * A monitor's `importance` option (default on; `false` off; an object: the feed's options), checked,
 * and the feeds it asks for, or undefined when it is off. Shared by `startMonitor` and `storageDashboard`.
 */
export function importanceFeedsOption(where: string, option: unknown, publish: (run: string, event: ParamImportance) => void): ReturnType<typeof importanceFeeds> | undefined {
  if (option !== undefined && typeof option !== 'boolean' && (option === null || typeof option !== 'object')) throw configError(where, 'importance', 'must be true, false or the options of importanceFeed()', option);
  if (option === false) return undefined;
  return importanceFeeds(option === undefined || option === true ? {} : (option as ImportanceFeedOptions), publish);
}

export function importanceFeeds(options: ImportanceFeedOptions, publish: (run: string, event: ParamImportance) => void) {
  const operator = importanceFeed(options); // validates the options now
  const feeds = new Map<string, { readonly input: Subject<{ readonly type: string }>; readonly sub: Subscription }>();
  return {
    /** Note one published event (cheap unless it is a study event the feed reads). */
    see(run: string, event: { readonly type: string }): void {
      if (event.type === 'runEnd') {
        // Its last computations are still queued: completing lets them run, then frees the trials.
        feeds.get(run)?.input.complete();
        feeds.delete(run);
        return;
      }
      if (!READ.has(event.type)) return;
      let feed = feeds.get(run);
      if (!feed) {
        const input = new Subject<{ readonly type: string }>();
        const sub = input.pipe(observeOn(asyncScheduler), operator).subscribe((e) => publish(run, e));
        feeds.set(run, (feed = { input, sub }));
      }
      feed.input.next(event);
    },
    close(): void {
      for (const { sub } of feeds.values()) sub.unsubscribe();
      feeds.clear();
    },
  };
}
