import t from 'tap';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import { storageContract } from './storage-contract.js';

storageContract(t, { make: () => memoryStorage() });

t.test('memory storage: studies in two instances are separate', async (t) => {
  const a = memoryStorage();
  const b = memoryStorage();
  a.openStudy({ name: 's', direction: 'minimize' }, 0);
  t.throws(() => b.getTrials('s'), /no study/);
});
