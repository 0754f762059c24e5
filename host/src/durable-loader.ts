import type { CreateDurableService } from './contracts';

/**
 * Returns `createDurableService` from `./durable`, or undefined while that module is not part of the build,
 * so the host also runs apps without durable functions.
 */
export function loadDurableFactory(): CreateDurableService | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const durable = require('./durable') as { createDurableService?: CreateDurableService };
    return durable.createDurableService;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'MODULE_NOT_FOUND' && message.includes("'./durable'")) return undefined;
    throw error;
  }
}
