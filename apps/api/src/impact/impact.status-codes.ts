import { SloErrorCodes } from '@slo-engine/core';

/** Domain error code → HTTP status for this feature's codes; merged into app.module's table. */
export const impactStatusByCode: Readonly<Record<string, number>> = {
  // Also the lifecycle's (slos.status-codes): the alert export throws it for a service without an SLO.
  [SloErrorCodes.NOT_FOUND]: 404,
};
