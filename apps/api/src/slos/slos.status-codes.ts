import { SloErrorCodes } from '@slo-engine/core';

/** Domain error code → HTTP status for this feature's codes; merged into app.module's table. */
export const slosStatusByCode: Readonly<Record<string, number>> = {
  [SloErrorCodes.NOT_FOUND]: 404,
  [SloErrorCodes.RECOMMENDATION_NOT_FOUND]: 404,
  [SloErrorCodes.RECOMMENDATION_NOT_CURRENT]: 409,
  [SloErrorCodes.SET_BY_PERSON]: 409,
};
