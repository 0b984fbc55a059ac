/**
 * What population-based training has on every platform (lib/core.ts re-exports it): the members, the
 * checkpoints in memory, and the vocabulary. `pbt()` itself is each platform's (lib/pbt/pbt.ts in Node,
 * lib/pbt/pbt-browser.ts in a browser).
 */
export { layersMember } from './layers-member.js';
export type { LayersMemberConfig } from './layers-member.js';
export { toyMember, toyQ, toySpace } from './toy.js';
export type { ToyMemberConfig, ToyParams } from './toy.js';
export { memoryCheckpoints } from './memory-checkpoints.js';
export type { MemberCheckpoints, MemberState, PbtCheckpoints } from './member-checkpoints.js';
export type { SavedState, SavedMember } from './state.js';
export type {
  PbtConfig, PbtMember, PbtMemberInput, PbtObjective, MemberEpochEnd, ExploreConfig, ParamSchedule, PbtEvent,
  PbtStarted, PbtEpochEnd, PbtMemberFailed, PbtReady, PbtNewBest, PbtExploit, PbtExplore, PbtCompleted,
} from './types.js';
