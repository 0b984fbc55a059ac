/**
 * What a worker member's `save` rejects with when the member's worker died after it trained: the save
 * worked, but what it saved is the member's last checkpoint, the training since then is lost. The
 * message (and `cause`) is the worker's death.
 */
export class LostTraining extends Error {
  override readonly name = 'LostTraining';
  constructor(readonly death: Error) {
    super(death.message, { cause: death });
  }
}
