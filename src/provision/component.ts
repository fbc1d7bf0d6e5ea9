import type { Component, SpecSet } from '../core/index.js';
import { configuredTargets, createProvisioner } from './provisioner.js';
import type { ProvisionLogger, ProvisioningConfig } from './provisioner.js';

export interface ProvisioningComponentOptions {
  readonly config: ProvisioningConfig;
  /** The spec set in force at start: pushed when the component starts. */
  readonly specs: SpecSet;
  readonly logger: ProvisionLogger;
}

/**
 * Provisioning as one part of the daemon: the generated rules and dashboards are pushed to the configured Prometheus
 * rules folder, Mimir ruler and Grafana at start and after every reload. A push is not awaited (a slow Grafana must
 * not hold a reload); runs never overlap, and failures are logged with what was applied, never swallowed.
 * With no target configured it does nothing.
 */
export function createProvisioning(options: ProvisioningComponentOptions): Component<never> {
  if (configuredTargets(options.config).length === 0) return { name: 'provision' };
  const provisioner = createProvisioner({ config: options.config, logger: options.logger, message: 'sloe: specs loaded' });
  const push = (specs: SpecSet): void => {
    provisioner.update(specs.slos).catch((error: unknown) => options.logger.error({ err: error }, 'provisioning failed'));
  };
  return {
    name: 'provision',
    start: () => push(options.specs),
    onSpecChange: push,
    stop: () => provisioner.shutdown(),
  };
}
