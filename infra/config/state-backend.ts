import { InvalidConfigurationError } from './validation';

/**
 * Location of the Terraform state in an azurerm backend, which authenticates with OIDC and Entra ID. A name left
 * undefined makes a partial configuration, which `terraform init -backend-config=<name>=<value>` must complete.
 */
export interface StateBackendSettings {
  readonly resourceGroupName?: string;
  readonly storageAccountName?: string;
  readonly containerName?: string;
  /** State blob name. `{stack}` is replaced by the stack name so that every stack keeps its own state. */
  readonly keyTemplate: string;
}

export const DEFAULT_STATE_KEY_TEMPLATE = 'fan-out-fan-in/{stack}.tfstate';

const NAME_VARIABLES = ['TFSTATE_RESOURCE_GROUP', 'TFSTATE_STORAGE_ACCOUNT', 'TFSTATE_CONTAINER'] as const;
const BACKEND_TYPES = ['local', 'azurerm'];

/** Picks the backend type: `TFSTATE_BACKEND` when set, else azurerm when any state name is set, else local. */
function backendType(env: NodeJS.ProcessEnv, namesSet: number): string {
  const requested = env.TFSTATE_BACKEND;

  if (requested !== undefined && requested !== '' && !BACKEND_TYPES.includes(requested)) {
    throw new InvalidConfigurationError([
      `TFSTATE_BACKEND ${JSON.stringify(requested)} is invalid. Allowed: ${BACKEND_TYPES.join(', ')}.`,
    ]);
  }
  if (requested === 'local' && namesSet > 0) {
    throw new InvalidConfigurationError([
      `TFSTATE_BACKEND is local, but these state names are set: ${NAME_VARIABLES.filter((name) => env[name]).join(', ')}. ` +
        'Unset them, or set TFSTATE_BACKEND to azurerm.',
    ]);
  }
  return requested || (namesSet > 0 ? 'azurerm' : 'local');
}

/** Lists what is wrong with the azurerm settings. Missing names are allowed only with TFSTATE_BACKEND=azurerm. */
function findBackendProblems(env: NodeJS.ProcessEnv, keyTemplate: string): string[] {
  const problems: string[] = [];

  if (env.TFSTATE_BACKEND !== 'azurerm') {
    for (const name of NAME_VARIABLES.filter((variable) => !env[variable])) {
      problems.push(
        `${name} is not set. Set all of ${NAME_VARIABLES.join(', ')}, or set TFSTATE_BACKEND=azurerm and pass ` +
          'the missing names with terraform init -backend-config.',
      );
    }
  }
  if (!keyTemplate.includes('{stack}')) {
    problems.push(
      `TFSTATE_KEY ${JSON.stringify(keyTemplate)} is invalid. Allowed: a blob name containing {stack}, ` +
        `such as ${JSON.stringify(DEFAULT_STATE_KEY_TEMPLATE)}, so that each stack keeps its own state.`,
    );
  }
  return problems;
}

/**
 * Reads the state backend from `TFSTATE_RESOURCE_GROUP`, `TFSTATE_STORAGE_ACCOUNT`, `TFSTATE_CONTAINER`, the
 * optional `TFSTATE_KEY` and the optional `TFSTATE_BACKEND` (`local` or `azurerm`). Returns undefined for local
 * state, which a synth without any of these variables gets. Throws `InvalidConfigurationError` when only some names
 * are set without `TFSTATE_BACKEND=azurerm`, or when the key lacks `{stack}`.
 */
export function readStateBackendSettings(env: NodeJS.ProcessEnv = process.env): StateBackendSettings | undefined {
  const namesSet = NAME_VARIABLES.filter((name) => env[name]).length;
  const keyTemplate = env.TFSTATE_KEY || DEFAULT_STATE_KEY_TEMPLATE;

  if (backendType(env, namesSet) === 'local') {
    return undefined;
  }
  const problems = findBackendProblems(env, keyTemplate);
  if (problems.length > 0) {
    throw new InvalidConfigurationError(problems);
  }

  return {
    resourceGroupName: env.TFSTATE_RESOURCE_GROUP || undefined,
    storageAccountName: env.TFSTATE_STORAGE_ACCOUNT || undefined,
    containerName: env.TFSTATE_CONTAINER || undefined,
    keyTemplate,
  };
}
