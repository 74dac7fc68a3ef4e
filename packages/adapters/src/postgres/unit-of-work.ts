import { type GraphStores, UnitOfWork } from '@slo-engine/core';
import { type DataSource, type EntityManager } from 'typeorm';
import { PostgresCycleAlertRepository } from './cycle-alert.repository';
import { PostgresGraphRepository, type PostgresGraphRepositoryOptions } from './graph.repository';
import { PostgresIngestionRepository } from './ingestion.repository';

/** The repositories bound to one EntityManager (a transaction's, or the DataSource's own). */
export function createGraphStores(
  manager: EntityManager,
  graphOptions: PostgresGraphRepositoryOptions = {},
): GraphStores {
  return {
    graph: new PostgresGraphRepository(manager, graphOptions),
    ingestions: new PostgresIngestionRepository(manager),
    cycleAlerts: new PostgresCycleAlertRepository(manager),
  };
}

/**
 * One READ COMMITTED transaction per `transaction()` call (TypeORM `dataSource.transaction`): the
 * work gets repositories bound to it; a throw rolls everything back.
 */
export class PostgresUnitOfWork extends UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly graphOptions: PostgresGraphRepositoryOptions = {},
  ) {
    super();
  }

  override async transaction<T>(work: (stores: GraphStores) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) =>
      work(createGraphStores(manager, this.graphOptions)),
    );
  }
}
