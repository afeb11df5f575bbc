import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandIo, EXIT } from './command-context.js';

export const PLUGIN_KINDS = ['source', 'formatter', 'transport'] as const;
export type ScaffoldKind = (typeof PLUGIN_KINDS)[number];

/**
 * The tool versions a new plugin pins: the ones this repository builds with (a test keeps them equal to the root
 * package.json), Node 24 included through the `node` package, as this repository pins it.
 */
export const SCAFFOLD_TOOL_VERSIONS = {
  NODE: '24.21.0',
  TYPES_NODE: '24.19.2',
  TYPESCRIPT: '6.0.3',
  VITEST: '5.1.1',
  ESLINT: '10.15.0',
  TYPESCRIPT_ESLINT: '8.73.0',
} as const;

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

const pascal = (name: string) => name.split('-').map((part) => `${part[0]?.toUpperCase() ?? ''}${part.slice(1)}`).join('');

/** The version of the host's own core: a new plugin takes it as its peer (`^x.y.z`). */
const coreVersion = async (): Promise<string> => {
  const file = createRequire(import.meta.url).resolve('@syslog-connector/core/package.json');
  return (JSON.parse(await readFile(file, 'utf8')) as { version: string }).version;
};

const copyTemplate = async (from: string, to: string, fill: (text: string) => string): Promise<string[]> => {
  await mkdir(to, { recursive: true });
  const written: string[] = [];
  for (const entry of await readdir(from, { withFileTypes: true })) {
    // npm drops `.gitignore` from a package, so the template keeps it as `gitignore`; config files that eslint or
    // tsc would pick up inside this repository are kept as `<name>.tmpl`.
    const name = entry.name === 'gitignore' ? '.gitignore' : entry.name.replace(/\.tmpl$/, '');
    const target = join(to, name);
    if (entry.isDirectory()) written.push(...(await copyTemplate(join(from, entry.name), target, fill)));
    else {
      await writeFile(target, fill(await readFile(join(from, entry.name), 'utf8')));
      written.push(target);
    }
  }
  return written;
};

/**
 * `syslog-connector new <source|formatter|transport> <name> [--dir <folder>]`: writes a plugin package that builds
 * (tsc), lints (eslint), tests itself with the kit's conformance suite of its kind (vitest) and loads into the host,
 * outside this repository, with npm alone. It pins Node 24 through the `node` package.
 */
export const newCommand = async (kind: string, name: string, options: { readonly dir?: string }, io: CommandIo): Promise<number> => {
  if (!(PLUGIN_KINDS as readonly string[]).includes(kind)) {
    io.stderr.write(`error: the kind must be one of ${PLUGIN_KINDS.join(', ')}, not "${kind}"\n`);
    return EXIT.usage;
  }
  if (!NAME.test(name)) {
    io.stderr.write(`error: the name "${name}" must be kebab-case (e.g. leef, file-drop): it becomes the plugin's type\n`);
    return EXIT.usage;
  }
  const dir = resolve(options.dir ?? `syslog-connector-${kind}-${name}`);
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    io.stderr.write(`error: ${dir} exists and is not empty (fix: choose another --dir)\n`);
    return EXIT.failed;
  }
  const values: Record<string, string> = {
    __PACKAGE__: `syslog-connector-${kind}-${name}`,
    __NAME__: name,
    __KIND__: kind,
    __PASCAL__: pascal(name),
    __CAMEL__: `${name[0] ?? ''}${pascal(name).slice(1)}`,
    __CORE_VERSION__: await coreVersion(),
    ...Object.fromEntries(Object.entries(SCAFFOLD_TOOL_VERSIONS).map(([key, version]) => [`__${key}__`, version])),
  };
  const fill = (text: string) => text.replace(/__[A-Z_]+__/g, (token) => values[token] ?? token);
  const written = [...(await copyTemplate(join(TEMPLATES, 'common'), dir, fill)), ...(await copyTemplate(join(TEMPLATES, kind), dir, fill))];
  io.stdout.write(
    `Wrote a ${kind} plugin "${name}" in ${dir} (${written.length} files).\n` +
      `  cd ${dir} && npm install && npm run build && npm run lint && npm test\n` +
      `  then list ${values.__PACKAGE__} (installed next to the connector) or ${join(dir, 'dist/index.js')} under plugins: in the config.\n`,
  );
  return EXIT.ok;
};
