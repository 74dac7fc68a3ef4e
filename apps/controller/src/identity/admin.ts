import { DomainError } from '@slo-engine/core';
import { type ControllerConfig } from '../config';
import { type Caller } from './caller-identity';

export const NOT_AN_ADMIN = 'CONTROLLER.NOT_AN_ADMIN';

/**
 * Changing canary policies, reloading SLO files and importing state are operator actions. With
 * caller identities on, only CONTROLLER_ADMIN_IDENTITIES may do them (none listed: nobody);
 * with identities off (development) the controller cannot tell callers apart and allows them.
 */
export function assertAdmin(config: ControllerConfig, caller: Caller, action: string): void {
  if (config.identitySource === 'none') return;
  const admins = (config.CONTROLLER_ADMIN_IDENTITIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (caller.identity !== undefined && admins.includes(caller.identity)) return;
  throw new DomainError(
    NOT_AN_ADMIN,
    admins.length === 0
      ? `${action} needs an administrator identity; none is configured (CONTROLLER_ADMIN_IDENTITIES).`
      : `${action} needs an administrator identity (CONTROLLER_ADMIN_IDENTITIES); the caller is ${caller.identity ?? 'unidentified'}.`,
  );
}
