import { ENVIRONMENTS } from '../../infra/environments';
import {
  describeReference,
  onlyResource,
  resolveReference,
  resourcesOfType,
  synthesizeEnvironment,
} from './support/synthesized-stack';

const dev = ENVIRONMENTS.find((environment) => environment.name === 'dev');
if (dev === undefined) {
  throw new Error('the dev environment is missing from infra/environments.ts');
}
const { json } = synthesizeEnvironment(dev);
const roleAssignments = resourcesOfType(json, 'azurerm_role_assignment');

/** Every role in the dev stack, as `<principal> | <role> | <scope>`, which is what a reviewer would check. */
const INTENDED_ROLES = [
  'identity id-fanout-dev | Storage Blob Data Owner | storage account fanoutdevhost',
  'identity id-fanout-dev | Storage Queue Data Contributor | storage account fanoutdevhost',
  'identity id-fanout-dev | Storage Table Data Contributor | storage account fanoutdevhost',
  'identity id-fanout-dev | Storage Blob Data Contributor | storage account fanoutdevdata',
  'identity id-fanout-dev | Storage Queue Data Contributor | storage account fanoutdevdata',
  'identity id-fanout-dev | Monitoring Metrics Publisher | application insights appi-fanout-dev',
  'system topic evgt-fanout-dev-data | Storage Queue Data Message Sender | queue fanoutdevdata/blob-created',
  'system topic evgt-fanout-dev-data | Storage Blob Data Contributor | container fanoutdevdata/event-dead-letter',
];

describe('role assignments', () => {
  it('equal the intended set of principal, role and scope', () => {
    const actual = roleAssignments.map(
      (assignment) =>
        `${describeReference(json, assignment.principal_id)} | ${assignment.role_definition_name} | ` +
        describeReference(json, assignment.scope),
    );

    expect([...actual].sort()).toEqual([...INTENDED_ROLES].sort());
  });

  it('each name their principal type', () => {
    for (const assignment of roleAssignments) {
      expect(assignment.principal_type).toBe('ServicePrincipal');
    }
  });

  it('refer to resource ids and principal ids', () => {
    for (const assignment of roleAssignments) {
      expect(resolveReference(json, assignment.scope).attribute).toBe('id');
      expect(resolveReference(json, assignment.principal_id).attribute).toMatch(/^(identity\[0\]\.)?principal_id$/);
    }
  });

  it('use built-in role names, not custom definitions', () => {
    for (const assignment of roleAssignments) {
      expect(assignment.role_definition_id).toBeUndefined();
      expect(assignment.condition).toBeUndefined();
    }
  });

  it('are in place before the function app starts', () => {
    const dependencies = onlyResource(json, 'azurerm_function_app_flex_consumption').depends_on as string[];
    const appRoles = Object.keys(json.resource.azurerm_role_assignment).filter((id) => id.startsWith('app-identity'));

    expect(appRoles).toHaveLength(6);
    for (const id of appRoles) {
      expect(dependencies).toContain(`azurerm_role_assignment.${id}`);
    }
  });

  it('of the system topic are in place before its subscription', () => {
    const dependencies = onlyResource(json, 'azurerm_eventgrid_system_topic_event_subscription').depends_on as string[];
    const topicRoles = Object.keys(json.resource.azurerm_role_assignment).filter((id) =>
      id.startsWith('manifest-events'),
    );

    expect(topicRoles).toHaveLength(2);
    for (const id of topicRoles) {
      expect(dependencies).toContain(`azurerm_role_assignment.${id}`);
    }
  });
});
