import type { GatewayExtension } from '../gateway/types.js';
import { secretRoutes } from './secrets-api.js';
import { createSecretsManagerService } from './secrets-protocol.js';
import type { SecretsService } from './secrets-service.js';

export interface SecretsExtensionDeps {
  secrets: SecretsService;
  region: string;
  accountId: string;
}

/**
 * What the secrets capability adds to the HTTP API: the Secrets Manager JSON protocol on Gust's
 * endpoint (`X-Amz-Target: secretsmanager.*`) and the control API's /secrets endpoints.
 */
export function createSecretsExtension(deps: SecretsExtensionDeps): GatewayExtension {
  return {
    controlRoutes: secretRoutes(deps.secrets),
    awsJson: [createSecretsManagerService(deps)],
  };
}
