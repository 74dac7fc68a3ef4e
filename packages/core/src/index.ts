export {
  DomainError,
  DomainErrorCodes,
  type DomainErrorCode,
  type FieldError,
} from './shared/domain-error';
export { Clock, SystemClock } from './shared/clock.port';
export { type Page, type PageRequest } from './shared/pagination';
export * from './graph/graph.types';
export * from './graph/graph.ports';
