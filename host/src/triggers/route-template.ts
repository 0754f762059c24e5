import { ConfigurationError } from '../config/errors';
import { routeConstraint, RouteConstraint } from './route-constraints';

interface RouteParameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: RouteConstraint[];
}

/** An HTTP trigger route template compiled for matching, with the ASP.NET Core syntax the Functions host uses. */
export interface CompiledRoute {
  template: string;
  /** Sort key: lower sorts first, so literal segments win over parameters and catch-alls come last. */
  precedence: number[];
  match(path: string): Record<string, string> | undefined;
}

/**
 * Compiles a template such as `orders/{id:int}/{part?}`: parameters `{name}`, optional `{name?}`, defaults
 * `{name=value}`, catch-all `{*name}` and constraints `{name:int}`, `{name:regex(^a+$)}`. Literals match
 * case-insensitively.
 */
export function compileRoute(template: string, functionName: string): CompiledRoute {
  const clean = template.replace(/^\/+|\/+$/g, '');
  const parameters: RouteParameter[] = [];
  const precedence: number[] = [];
  let pattern = '^';

  clean.split('/').forEach((segment, index) => {
    if (segment === '' && clean !== '') {
      throw new ConfigurationError(`Route "${template}" of function "${functionName}" has an empty segment`);
    }
    const separator = index === 0 ? '' : '/';
    const tokens = tokenizeSegment(segment, template, functionName);
    const only = tokens.length === 1 ? tokens[0] : undefined;
    if (only?.kind === 'parameter') {
      const parameter = parseParameter(only.text, template, functionName);
      parameters.push(parameter);
      precedence.push(parameterPrecedence(parameter));
      const capture = parameter.catchAll ? '(.*)' : '([^/]+)';
      pattern += parameter.optional || parameter.catchAll ? `(?:${separator}${capture})?` : `${separator}${capture}`;
      return;
    }
    precedence.push(tokens.some((token) => token.kind === 'parameter') ? 2 : 1);
    pattern += separator + compileComplexSegment(tokens, parameters, template, functionName);
  });

  const regex = new RegExp(`${pattern}/?$`, 'i');
  return { template: clean, precedence, match: (path) => matchPath(regex, parameters, path) };
}

function parameterPrecedence(parameter: RouteParameter): number {
  if (parameter.catchAll) return 5;
  if (parameter.constraints.length > 0) return 2;
  return 3;
}

/** Compiles a segment mixing literals and parameters, such as `{name}.{ext}`; parameters match greedily. */
function compileComplexSegment(tokens: Token[], parameters: RouteParameter[], template: string, functionName: string) {
  let result = '';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      result += escapeRegex(token.text);
      continue;
    }
    const parameter = parseParameter(token.text, template, functionName);
    if (parameter.catchAll || parameter.optional) {
      throw new ConfigurationError(
        `Route "${template}" of function "${functionName}": "{${token.text}}" must be a whole segment to be optional or catch-all`,
      );
    }
    parameters.push(parameter);
    result += '([^/]+)';
  }
  return result;
}

interface Token {
  kind: 'literal' | 'parameter';
  text: string;
}

/** Splits a segment into literals and `{parameter}` bodies; `{{` and `}}` stand for literal braces. */
function tokenizeSegment(segment: string, template: string, functionName: string): Token[] {
  const tokens: Token[] = [];
  const invalid = () =>
    new ConfigurationError(`Route "${template}" of function "${functionName}" has unbalanced braces in "${segment}"`);
  let literal = '';
  let i = 0;
  while (i < segment.length) {
    const pair = segment.slice(i, i + 2);
    if (pair === '{{' || pair === '}}') {
      literal += pair[0];
      i += 2;
    } else if (segment[i] === '{') {
      if (literal) tokens.push({ kind: 'literal', text: literal });
      literal = '';
      const { body, end } = readParameterBody(segment, i + 1);
      if (end === undefined) throw invalid();
      tokens.push({ kind: 'parameter', text: body });
      i = end + 1;
    } else if (segment[i] === '}') {
      throw invalid();
    } else {
      literal += segment[i++];
    }
  }
  if (literal) tokens.push({ kind: 'literal', text: literal });
  return tokens;
}

function readParameterBody(segment: string, start: number): { body: string; end?: number } {
  let body = '';
  let i = start;
  while (i < segment.length) {
    const pair = segment.slice(i, i + 2);
    if (pair === '{{' || pair === '}}') {
      body += pair[0];
      i += 2;
    } else if (segment[i] === '}') {
      return { body, end: i };
    } else {
      body += segment[i++];
    }
  }
  return { body };
}

function parseParameter(body: string, template: string, functionName: string): RouteParameter {
  const catchAll = body.startsWith('*');
  let text = body.replace(/^\*{1,2}/, '');
  let defaultValue: string | undefined;
  const equals = text.indexOf('=');
  if (equals >= 0) {
    defaultValue = text.slice(equals + 1);
    text = text.slice(0, equals);
  }
  const optional = text.endsWith('?');
  if (optional) text = text.slice(0, -1);

  const [name, ...constraintTexts] = splitConstraints(text);
  if (!/^[A-Za-z_][\w-]*$/.test(name)) {
    throw new ConfigurationError(
      `Route "${template}" of function "${functionName}" has an invalid parameter name "${name}"`,
    );
  }
  const constraints = constraintTexts.map((constraint) => routeConstraint(constraint, template, functionName));
  return { name, optional: optional || defaultValue !== undefined, catchAll, defaultValue, constraints };
}

/** Splits `name:c1:c2(arg)` at colons outside parentheses, so regex constraints may contain colons. */
function splitConstraints(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

function matchPath(regex: RegExp, parameters: RouteParameter[], path: string): Record<string, string> | undefined {
  const found = regex.exec(path.replace(/^\/+/, ''));
  if (!found) return undefined;

  const params: Record<string, string> = {};
  for (const [index, parameter] of parameters.entries()) {
    const raw = found[index + 1];
    if (raw === undefined) {
      if (parameter.defaultValue !== undefined) params[parameter.name] = parameter.defaultValue;
      continue;
    }
    const value = safeDecode(raw);
    if (value === undefined || !parameter.constraints.every((constraint) => constraint(value))) return undefined;
    params[parameter.name] = value;
  }
  return params;
}

function safeDecode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
