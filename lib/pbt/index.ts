/** Population-based training: the public surface of lib/pbt. */
export { pbt } from './pbt.js';
export { layersMember } from './layers-member.js';
export type { LayersMemberConfig } from './layers-member.js';
export { saveOptimizerState, loadOptimizerState } from './optimizer-state.js';
export { toyMember, toyQ, toySpace } from './toy.js';
export type { ToyMemberConfig, ToyParams } from './toy.js';
export type {
  PbtConfig, PbtMember, PbtMemberInput, PbtModuleObjective, MemberEpochEnd, PbtObjective, ExploreConfig, ParamSchedule, PbtEvent,
  PbtStarted, PbtEpochEnd, PbtMemberFailed, PbtReady, PbtNewBest, PbtExploit, PbtExplore, PbtCompleted,
} from './types.js';
