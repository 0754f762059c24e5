import { BadRequestError } from './errors';

/** Scheduler id of an entity as the extension writes it: `@<name lower-cased>@<key>`. */
export function entitySchedulerId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function parseEntitySchedulerId(id: string): { name: string; key: string } {
  const match = /^@([^@]*)@(.*)$/s.exec(id);
  if (!match) {
    throw new BadRequestError(`Invalid entity id '${id}': expected @<name>@<key>.`);
  }
  return { name: match[1], key: match[2] };
}
