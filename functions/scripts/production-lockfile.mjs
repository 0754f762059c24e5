// Derives a standalone lockfile for one workspace from the lockfile of the workspace root, so that `npm ci` in the
// deployment folder installs exactly the versions that the root lockfile records, and no others.

/**
 * Returns the lockfile key of the package that `name` resolves to from the package at key `from`, the way Node.js
 * looks it up: the nearest `node_modules/<name>` on the way up. Returns undefined when the lockfile has no such package.
 */
export function resolveKey(packages, from, name) {
  let base = from;
  for (;;) {
    const key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[key]) return key;
    if (base === '') return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent >= 0 ? base.slice(0, parent) : '';
  }
}

/** Lists the names that a lockfile entry depends on, each with whether the package may be missing. */
function dependencyEdges(entry) {
  const optionalPeers = Object.entries(entry.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta?.optional)
    .map(([name]) => name);
  return [
    ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...Object.keys(entry.peerDependencies ?? {}).map((name) => ({ name, optional: optionalPeers.includes(name) })),
  ];
}

/**
 * Collects the keys of every package that the workspace at key `workspace` needs at run time by following dependency,
 * optional and peer edges from the workspace's own entry. Development dependencies are not followed.
 */
function productionKeys(packages, workspace) {
  const found = new Set();
  const pending = [workspace];
  while (pending.length > 0) {
    const from = pending.pop();
    for (const edge of dependencyEdges(packages[from])) {
      const key = resolveKey(packages, from, edge.name);
      if (key === undefined) {
        if (edge.optional) continue;
        throw new Error(`package-lock.json is missing ${edge.name} for ${from}: run "npm install" at the root.`);
      }
      if (packages[key].link) {
        throw new Error(`${from} depends on the linked package ${key}, which a standalone install cannot contain.`);
      }
      if (!found.has(key)) {
        found.add(key);
        pending.push(key);
      }
    }
  }
  return found;
}

/** Checks that two name-to-range maps list the same names with the same ranges. */
function sameEntries(a = {}, b = {}) {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

/** Copies a lockfile entry without development flags, because a standalone install has no development tree. */
function productionEntry(entry) {
  const { dev: _dev, devOptional, ...rest } = entry;
  return devOptional ? { ...rest, optional: true } : rest;
}

/**
 * Builds a lockfile (version 3) for the workspace at `workspace`, such as `functions`, as a project of its own.
 * Packages that the root lockfile nests under `<workspace>/node_modules/` move to `node_modules/`, and every other
 * package keeps its place. Throws when that would put two packages in one place or make any dependency resolve to
 * another package than in the root lockfile, because then only a new resolution could lay out the tree.
 *
 * @param rootLock the parsed package-lock.json of the workspace root
 * @param workspace the workspace's folder relative to the root, with `/` separators
 * @param manifest the workspace's package.json, whose name, version, dependencies and engines the root entry repeats
 */
export function workspaceLockfile(rootLock, workspace, manifest) {
  if (rootLock.lockfileVersion < 2 || !rootLock.packages) {
    throw new Error(
      'package-lock.json is missing its "packages" section: run "npm install" at the root with npm 7 or later.',
    );
  }
  const packages = rootLock.packages;
  const recorded = packages[workspace];
  if (!recorded || !sameEntries(recorded.dependencies, manifest.dependencies)) {
    throw new Error(`package-lock.json does not match ${workspace}/package.json: run "npm install" at the root.`);
  }

  const nested = `${workspace}/`;
  const place = (key) => (key === workspace ? '' : key.startsWith(nested) ? key.slice(nested.length) : key);
  const keys = productionKeys(packages, workspace);
  const placed = {};
  const source = {};
  for (const key of [...keys].sort()) {
    const target = place(key);
    if (source[target] !== undefined) {
      throw new Error(`${source[target]} and ${key} would both install at ${target}: run "npm dedupe" at the root.`);
    }
    source[target] = key;
    placed[target] = productionEntry(packages[key]);
  }

  for (const key of [workspace, ...keys]) {
    for (const edge of dependencyEdges(packages[key])) {
      const before = resolveKey(packages, key, edge.name);
      const after = resolveKey(placed, place(key), edge.name);
      if ((before === undefined ? undefined : place(before)) !== after) {
        throw new Error(
          `${edge.name} of ${key} would resolve to ${after} instead of ${before} in a standalone install.`,
        );
      }
    }
  }

  const root = {
    name: manifest.name,
    version: manifest.version,
    ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
    ...(manifest.engines ? { engines: manifest.engines } : {}),
  };
  return {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': root, ...Object.fromEntries(Object.keys(placed).map((key) => [key, placed[key]])) },
  };
}
