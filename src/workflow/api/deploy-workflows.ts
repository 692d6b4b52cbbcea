import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { GustError, isGustError } from '../../core/errors.js';
import type { DeployHook } from '../../functions/control-plane.js';
import type { Manifest } from '../../functions/manifest.js';
import type { Definition, DefinitionIssue } from '../definition/types.js';
import type { StateMachineService } from '../executor/state-machines.js';
import { parseValidDefinition } from '../executor/state-machines.js';
import type { WorkflowEngine } from '../executor/types.js';

/**
 * The workflows an app declares (`workflows: { NAME: { definition: FILE } }`) are read from their
 * files and validated before anything is stored (errors name the file, the path of the bad field
 * in it, and the reason), and stored with the app as their owner after. A workflow the manifest no
 * longer declares is deleted; its executions keep running to the end.
 */
export function workflowDeployHook(stateMachines: StateMachineService, engine: WorkflowEngine): DeployHook {
  const checked = new WeakMap<Manifest, Map<string, Definition>>();

  const invalid = (file: string, issues: DefinitionIssue[]) =>
    new GustError('ERR_INVALID_MANIFEST', issues.map((i) => `${file}: ${i.path}: ${i.message}`).join('\n'), {
      details: { file, issues },
    });

  const read = async (manifest: Manifest, dir: string, name: string, file: string): Promise<Definition> => {
    const field = `workflows.${name}.definition`;
    const path = resolve(dir, file);
    let text: string;
    try {
      const [root, real] = await Promise.all([realpath(dir), realpath(path)]);
      const inside = relative(root, real);
      if (inside.startsWith('..') || isAbsolute(inside)) {
        throw invalid(manifest.file, [{ path: field, message: `${file} is outside the app folder` }]);
      }
      text = await readFile(real, 'utf8');
    } catch (error) {
      if (isGustError(error)) throw error;
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw invalid(manifest.file, [{ path: field, message: `cannot read ${file}: ${reason}` }]);
    }
    try {
      return parseValidDefinition(engine, text);
    } catch (error) {
      if (isGustError(error) && error.code === 'ERR_INVALID_DEFINITION') {
        const issues = (error.details?.issues as DefinitionIssue[] | undefined) ?? [
          { path: '', message: error.message },
        ];
        throw invalid(
          file,
          issues.map((i) => ({
            path: i.path || '(top level)',
            message: `${i.message} (workflow ${name} of ${manifest.file})`,
          })),
        );
      }
      throw error;
    }
  };

  return {
    async check(manifest, context) {
      const declared = manifest.workflows ?? [];
      if (declared.length === 0) return;
      if (!context) throw new Error('deploying workflows needs the app folder');
      const definitions = new Map<string, Definition>();
      const existing = new Map((await stateMachines.list()).map((m) => [m.name, m]));
      for (const w of declared) {
        const owner = existing.get(w.name)?.service;
        if (owner && owner !== manifest.service) {
          throw new GustError(
            'ERR_WORKFLOW_EXISTS',
            `${manifest.file}: workflows.${w.name}: workflow '${w.name}' already belongs to service '${owner}'.`,
            { awsType: 'StateMachineAlreadyExists', details: { workflow: w.name } },
          );
        }
        definitions.set(w.name, await read(manifest, context.dir, w.name, w.definition));
      }
      checked.set(manifest, definitions);
    },
    async apply(manifest) {
      const definitions = checked.get(manifest) ?? new Map<string, Definition>();
      for (const [name, definition] of definitions) {
        await stateMachines.put(name, definition, { service: manifest.service });
      }
      for (const m of await stateMachines.list()) {
        if (m.service === manifest.service && !definitions.has(m.name)) await stateMachines.delete(m.name);
      }
    },
  };
}
