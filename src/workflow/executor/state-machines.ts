import type { Clock } from '../../core/clock.js';
import { GustError } from '../../core/errors.js';
import type { StateMachineRecord, WorkflowRepository } from '../../store/workflow-repository.js';
import type { Definition, DefinitionIssue } from '../definition/types.js';
import { workflowNotFound } from './errors.js';
import { checkName } from './names.js';
import { resourceIssues } from './resources.js';
import type { WorkflowEngine } from './types.js';

export interface StateMachineServiceDeps {
  repo: WorkflowRepository;
  engine: Pick<WorkflowEngine, 'validateDefinition' | 'parseDefinition'>;
  clock: Clock;
}

export interface PutStateMachineOptions {
  type?: 'STANDARD' | 'EXPRESS';
  /** The app that declares it (deploys), or null (the API). */
  service?: string | null;
  /** Refuse when the name exists (CreateStateMachine) rather than replace it. */
  createOnly?: boolean;
}

/** Every problem of a definition: the engine's validation, then the Task resources Gust cannot run. */
export function definitionIssues(
  engine: Pick<WorkflowEngine, 'validateDefinition' | 'parseDefinition'>,
  source: string | object,
): DefinitionIssue[] {
  const issues = engine.validateDefinition(source);
  return issues.length > 0 ? issues : resourceIssues(engine.parseDefinition(source));
}

/** A valid definition, or ERR_INVALID_DEFINITION (`InvalidDefinition`) listing every issue. */
export function parseValidDefinition(
  engine: Pick<WorkflowEngine, 'parseDefinition'>,
  source: string | object,
): Definition {
  let definition: Definition;
  try {
    definition = engine.parseDefinition(source);
  } catch (error) {
    if (error instanceof GustError && error.code === 'ERR_INVALID_DEFINITION') {
      throw new GustError(error.code, error.message, {
        awsType: 'InvalidDefinition',
        ...(error.details ? { details: error.details } : {}),
      });
    }
    throw error;
  }
  const issues = resourceIssues(definition);
  if (issues.length > 0) {
    const first = issues[0] as DefinitionIssue;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw new GustError(
      'ERR_INVALID_DEFINITION',
      `Invalid state machine definition: ${first.path}: ${first.message}${more}`,
      { awsType: 'InvalidDefinition', details: { issues } },
    );
  }
  return definition;
}

/** Workflow definitions: created and updated (validated first), read, listed and deleted. */
export function createStateMachineService(deps: StateMachineServiceDeps) {
  const { repo } = deps;
  return {
    /** Validates and stores a definition; an unchanged one is left as it is. */
    async put(name: string, source: string | object, options: PutStateMachineOptions = {}) {
      checkName('Workflow', name);
      const definition = JSON.stringify(parseValidDefinition(deps.engine, source));
      const existing = await repo.getStateMachine(name);
      const type = options.type ?? existing?.type ?? 'STANDARD';
      if (existing && options.createOnly && (existing.definition !== definition || existing.type !== type)) {
        throw new GustError(
          'ERR_WORKFLOW_EXISTS',
          `Workflow '${name}' already exists with another definition; update it instead.`,
          { awsType: 'StateMachineAlreadyExists', details: { workflow: name } },
        );
      }
      const service = options.service !== undefined ? options.service : (existing?.service ?? null);
      if (existing?.definition === definition && existing.type === type && existing.service === service) {
        return existing;
      }
      const now = deps.clock.now();
      const record: StateMachineRecord = {
        name,
        definition,
        type,
        service,
        revision: existing ? existing.revision + (existing.definition === definition ? 0 : 1) : 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await repo.putStateMachine(record);
      return record;
    },
    async get(name: string): Promise<StateMachineRecord> {
      const record = await repo.getStateMachine(name);
      if (!record) throw workflowNotFound(name);
      return record;
    },
    list: () => repo.listStateMachines(),
    async delete(name: string): Promise<void> {
      if (!(await repo.deleteStateMachine(name))) throw workflowNotFound(name);
    },
  };
}

export type StateMachineService = ReturnType<typeof createStateMachineService>;
