import { BadRequestError } from '../errors';
import { runtimeStatuses, type InstanceFilter, type RuntimeStatus } from '../store';

export function booleanParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name);
  if (value === null || value === '') {
    return fallback;
  }
  if (!/^(true|false)$/i.test(value)) {
    throw new BadRequestError(`Invalid query parameter ${name}=${value}: use true or false.`);
  }
  return value.toLowerCase() === 'true';
}

export function timeParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') {
    return undefined;
  }
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new BadRequestError(`Invalid query parameter ${name}=${value}: use an ISO 8601 date and time.`);
  }
  return time;
}

export function positiveIntegerParam(query: URLSearchParams, name: string, fallback: number): number {
  const value = query.get(name);
  if (value === null || value === '') {
    return fallback;
  }
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new BadRequestError(`Invalid query parameter ${name}=${value}: use a positive integer.`);
  }
  return number;
}

/** `runtimeStatus` as a comma list, possibly repeated; names match case-insensitively. */
export function statusParam(query: URLSearchParams): RuntimeStatus[] | undefined {
  const names = query
    .getAll('runtimeStatus')
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) {
    return undefined;
  }
  return names.map((name) => {
    const status = runtimeStatuses.find((s) => s.toLowerCase() === name.toLowerCase());
    if (!status) {
      throw new BadRequestError(`Invalid runtimeStatus '${name}': use one of ${runtimeStatuses.join(', ')}.`);
    }
    return status;
  });
}

export function filterParams(query: URLSearchParams): InstanceFilter {
  return {
    runtimeStatus: statusParam(query),
    createdTimeFrom: timeParam(query, 'createdTimeFrom'),
    createdTimeTo: timeParam(query, 'createdTimeTo'),
    instanceIdPrefix: query.get('instanceIdPrefix') ?? undefined,
  };
}
