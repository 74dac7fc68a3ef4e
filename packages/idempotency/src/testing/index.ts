export {
  describeIdempotencyStoreContract,
  type ContractResponse,
  type StoreContractOptions,
} from './store-contract';
