import { ConfigurationError } from '../config/errors';

/** Tests one decoded route value. */
export type RouteConstraint = (value: string) => boolean;

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

const SIMPLE: Record<string, RouteConstraint> = {
  int: (v) => INTEGER.test(v) && Math.abs(Number(v)) <= 2147483648,
  long: (v) => INTEGER.test(v),
  bool: (v) => /^(true|false)$/i.test(v),
  alpha: (v) => /^[a-z]+$/i.test(v),
  guid: (v) => /^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i.test(v),
  double: (v) => NUMBER.test(v),
  float: (v) => NUMBER.test(v),
  decimal: (v) => NUMBER.test(v),
  datetime: (v) => !Number.isNaN(Date.parse(v)),
};

/** Builds the constraint named in a route template, such as `int`, `min(1)`, `length(2,8)` or `regex(^a+$)`. */
export function routeConstraint(text: string, template: string, functionName: string): RouteConstraint {
  const simple = SIMPLE[text.toLowerCase()];
  if (simple) return simple;

  const call = /^(\w+)\((.*)\)$/s.exec(text);
  const name = call?.[1].toLowerCase();
  const args = call?.[2] ?? '';
  const numbers = args.split(',').map((arg) => Number(arg.trim()));
  const fail = () =>
    new ConfigurationError(
      `Route "${template}" of function "${functionName}" has an unsupported constraint "${text}": use int, long, bool, alpha, guid, double, datetime, min, max, range, length, minlength, maxlength or regex`,
    );

  if (name === 'regex') return regexConstraint(args, fail);
  if (!name || numbers.some((n) => Number.isNaN(n))) throw fail();
  switch (name) {
    case 'min':
      return (v) => NUMBER.test(v) && Number(v) >= numbers[0];
    case 'max':
      return (v) => NUMBER.test(v) && Number(v) <= numbers[0];
    case 'range':
      return (v) => NUMBER.test(v) && Number(v) >= numbers[0] && Number(v) <= numbers[1];
    case 'length':
      return numbers.length === 1
        ? (v) => v.length === numbers[0]
        : (v) => v.length >= numbers[0] && v.length <= numbers[1];
    case 'minlength':
      return (v) => v.length >= numbers[0];
    case 'maxlength':
      return (v) => v.length <= numbers[0];
    default:
      throw fail();
  }
}

function regexConstraint(source: string, fail: () => Error): RouteConstraint {
  try {
    const regex = new RegExp(source, 'i');
    return (v) => regex.test(v);
  } catch {
    throw fail();
  }
}
