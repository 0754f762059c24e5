import { Accumulator } from './accumulator';
import type { PartialAggregate } from './types';

/**
 * Merges two partials. The merge is associative and commutative: any order and tree shape of merges
 * gives the same partial, field for field.
 */
export function mergePartials(a: PartialAggregate, b: PartialAggregate): PartialAggregate {
  return mergeAll([a, b]);
}

/** Merges any number of partials in one pass; an empty list gives the empty partial. */
export function mergeAll(partials: readonly PartialAggregate[]): PartialAggregate {
  const accumulator = new Accumulator();
  for (const partial of partials) {
    accumulator.addPartial(partial);
  }
  return accumulator.toPartial();
}
