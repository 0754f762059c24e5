import { ENVIRONMENTS } from '../../infra/environments';
import { synthesizeEnvironment, TerraformJson } from './support/synthesized-stack';

/** Functions the stack may call in an expression; anything else is a typo or unintended template syntax. */
const ALLOWED_FUNCTIONS = ['lower'];

/** Every `${...}` expression in the strings of `value`, found recursively. */
function findExpressions(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    found.push(...[...value.matchAll(/\$\{([^}]*)\}/g)].map((match) => match[1]));
  } else if (Array.isArray(value)) {
    value.forEach((item) => findExpressions(item, found));
  } else if (value !== null && typeof value === 'object') {
    Object.values(value).forEach((item) => findExpressions(item, found));
  }
  return found;
}

/** Loads the cdktf binding class of a resource type, such as `StorageAccount` for `azurerm_storage_account`. */
function bindingClass(type: string): { prototype: object } {
  const modulePath = `@cdktf/provider-azurerm/lib/${type.replace(/^azurerm_/, '').replaceAll('_', '-')}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(modulePath) as Record<string, { tfResourceType?: string; prototype: object }>;
  const binding = Object.values(exports).find((candidate) => candidate?.tfResourceType === type);
  if (binding === undefined) {
    throw new Error(`no binding class for ${type} in ${modulePath}`);
  }
  return binding;
}

const camelCase = (name: string) => name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

/** Problems with one expression: an unknown function, resource or attribute. */
function checkExpression(json: TerraformJson, expression: string): string[] {
  const call = /^([a-z_]+)\((.*)\)$/.exec(expression);
  if (call !== null) {
    const problems = ALLOWED_FUNCTIONS.includes(call[1]) ? [] : [`unexpected function ${call[1]} in \${${expression}}`];
    return [...problems, ...checkExpression(json, call[2])];
  }

  const reference = /^(azurerm_[a-z_]+)\.([A-Za-z0-9_-]+)\.([a-z_0-9]+)/.exec(expression);
  if (reference === null) {
    return [`not a resource reference: \${${expression}}`];
  }
  const [, type, logicalId, attribute] = reference;
  if (json.resource[type]?.[logicalId] === undefined) {
    return [`reference to an undeclared resource: \${${expression}}`];
  }
  const getter = Object.getOwnPropertyDescriptor(bindingClass(type).prototype, camelCase(attribute))?.get;
  return getter === undefined ? [`${type} has no attribute ${attribute}: \${${expression}}`] : [];
}

describe.each(ENVIRONMENTS.map((environment) => [environment.name, environment] as const))(
  'references in %s',
  (_name, environment) => {
    const { json } = synthesizeEnvironment(environment);

    it('point to declared resources and their attributes', () => {
      const expressions = [...findExpressions(json.resource), ...findExpressions(json.output)];

      expect(expressions.length).toBeGreaterThan(50);
      expect(expressions.flatMap((expression) => checkExpression(json, expression))).toEqual([]);
    });

    it('in depends_on name declared resources', () => {
      const dependencies = Object.values(json.resource)
        .flatMap((resources) => Object.values(resources))
        .flatMap((resource) => (resource.depends_on as string[] | undefined) ?? []);

      expect(dependencies.length).toBeGreaterThan(0);
      for (const dependency of dependencies) {
        const [type, logicalId] = dependency.split('.');
        expect({ dependency, declared: json.resource[type]?.[logicalId] !== undefined }).toEqual({
          dependency,
          declared: true,
        });
      }
    });

    it('contain no template directives', () => {
      expect(JSON.stringify(json)).not.toContain('%{');
    });
  },
);
