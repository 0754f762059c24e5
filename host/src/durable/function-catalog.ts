import type { FunctionInvoker } from '../contracts';

export type DurableFunctionKind = 'orchestration' | 'activity' | 'entity';

const kindOfTrigger: Record<string, DurableFunctionKind> = {
  orchestrationtrigger: 'orchestration',
  activitytrigger: 'activity',
  entitytrigger: 'entity',
};

/** Looks up the app's durable functions by kind, matching names case-insensitively as the extension does. */
export class FunctionCatalog {
  constructor(private readonly invoker: FunctionInvoker) {}

  /** Returns the registered spelling of a function of this kind, or undefined when there is none. */
  resolve(kind: DurableFunctionKind, name: string): string | undefined {
    const wanted = name.toLowerCase();
    for (const fn of this.invoker.functions.values()) {
      if (kindOfTrigger[fn.trigger.type.toLowerCase()] === kind && fn.name.toLowerCase() === wanted) {
        return fn.name;
      }
    }
    return undefined;
  }

  namesOf(kind: DurableFunctionKind): string[] {
    return [...this.invoker.functions.values()]
      .filter((fn) => kindOfTrigger[fn.trigger.type.toLowerCase()] === kind)
      .map((fn) => fn.name);
  }

  /** Message for an unknown name, listing the functions of that kind. */
  unknownMessage(kind: DurableFunctionKind, name: string): string {
    const known = this.namesOf(kind)
      .map((n) => `'${n}'`)
      .join(', ');
    return (
      `The function '${name}' doesn't exist, is disabled, or is not an ${kind} function. ` +
      `Known ${kind} functions: ${known || 'none'}.`
    );
  }
}
