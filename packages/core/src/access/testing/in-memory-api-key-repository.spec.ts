import { describeApiKeyRepositoryContract } from './api-key-repository.contract';
import { InMemoryApiKeyRepository } from './in-memory-api-key-repository';

describeApiKeyRepositoryContract('in-memory', () =>
  Promise.resolve(new InMemoryApiKeyRepository()),
);
