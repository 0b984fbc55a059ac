/**
 * A member's `save`/`load` write through the checkpoints pbt passes as their second argument; a
 * wrapper that forwards only the first would otherwise fail deep inside with "cannot read 'save' of
 * undefined".
 */
import { RxtrainError } from '../errors.js';
import type { MemberCheckpoints } from './member-checkpoints.js';

export function needCheckpoints(where: string, checkpoints: MemberCheckpoints | undefined): MemberCheckpoints {
  if (checkpoints === undefined || typeof checkpoints.save !== 'function' || typeof checkpoints.load !== 'function') {
    throw new RxtrainError('INVALID_CONFIG', `${where}: save(checkpoint, checkpoints) and load(checkpoint, checkpoints) need the checkpoints pbt passes as their second argument (a wrapping member must forward it)`, { field: 'checkpoints' });
  }
  return checkpoints;
}
