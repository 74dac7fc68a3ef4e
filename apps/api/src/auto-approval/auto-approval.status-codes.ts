import { AutoApprovalErrorCodes } from '@slo-engine/core';

/** Domain error code → HTTP status for this feature's codes; merged into app.module's table. */
export const auto_approvalStatusByCode: Readonly<Record<string, number>> = {
  [AutoApprovalErrorCodes.RULE_NOT_FOUND]: 404,
  [AutoApprovalErrorCodes.NAME_TAKEN]: 409,
};
