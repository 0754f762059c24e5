import { Disposable } from './disposable';

export const HOOK_NAMES = ['preInvocation', 'postInvocation', 'appStart', 'appTerminate', 'log'] as const;
export type HookName = (typeof HOOK_NAMES)[number];
export type HookCallback = (context: Record<string, unknown>) => unknown;

/**
 * Raised for an unknown hook name. It keeps the name `RangeError` because `@azure/functions` recognises the
 * worker's rejection by that name plus `isAzureFunctionsSystemError`.
 */
export class UnknownHookError extends RangeError {
  isAzureFunctionsSystemError = true;
}

/** Hooks by name, run in registration order. */
export class HookRegistry {
  readonly #hooks = new Map<HookName, HookCallback[]>(HOOK_NAMES.map((name) => [name, []]));

  register(name: string, callback: HookCallback): Disposable {
    const list = this.#hooks.get(name as HookName);
    if (!list) {
      throw new UnknownHookError(`Unknown hook "${name}": use one of ${HOOK_NAMES.join(', ')}`);
    }
    list.push(callback);
    return new Disposable(() => {
      const index = list.indexOf(callback);
      if (index >= 0) list.splice(index, 1);
    });
  }

  has(name: HookName): boolean {
    return (this.#hooks.get(name) ?? []).length > 0;
  }

  /** Awaits each hook in turn; the first one that throws stops the rest and rejects. */
  async run(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const callback of [...(this.#hooks.get(name) ?? [])]) {
      await callback(context);
    }
  }

  /** Runs log hooks, which are synchronous by contract. */
  runSync(name: HookName, context: Record<string, unknown>): void {
    for (const callback of [...(this.#hooks.get(name) ?? [])]) callback(context);
  }
}
