/** A member's place in a pbt run: the live member, and what the run knows of it between ready times. */
import type { Params } from '../search/types.js';
import type { ParamSchedule, PbtMember } from './types.js';

export interface Slot<P extends Params> {
  readonly index: number;
  readonly member: PbtMember<P>;
  params: P;
  schedule: ParamSchedule<P>;
  /** Absolute path of the checkpoint this member's state is (or was copied from). */
  checkpoint: string | undefined;
  /** Its ranked metric after its last epoch (a copy takes the donor's). */
  value: number | undefined;
}
