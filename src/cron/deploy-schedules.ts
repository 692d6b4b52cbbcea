import { GustError, isGustError } from '../core/errors.js';
import type { DeployHook } from '../functions/control-plane.js';
import type { Manifest } from '../functions/manifest.js';
import { MAX_MESSAGE_BYTES } from '../queue/limits.js';
import { parseScheduleConfig } from './schedule-config.js';

interface Issue {
  path: string;
  message: string;
}

/**
 * Checks every schedule of a manifest before anything is deployed: each expression must parse
 * (with its time zone), and a function's schedule names must be unique, since a schedule's id is
 * `function/name` and its fired ticks are kept under that id. An `input` must be JSON (it is the
 * event the function receives) and fit in an async invocation. All problems are reported at once,
 * each at its field: `gust.yaml: functions.report.events.2.schedule: cron(0 25 * * ? *): hours: ...`.
 *
 * Nothing to apply: the scheduler follows the registry, which changes after a deploy.
 */
export const scheduleDeployHook: DeployHook = {
  async check(manifest: Manifest) {
    const issues: Issue[] = [];
    for (const fn of manifest.functions) {
      const seen = new Map<string, number>();
      for (const schedule of fn.config.schedules ?? []) {
        const at = `functions.${fn.name}.events.${schedule.eventIndex}.schedule`;
        try {
          parseScheduleConfig(schedule);
        } catch (error) {
          if (!isGustError(error) || error.code !== 'ERR_INVALID_SCHEDULE') throw error;
          issues.push({ path: at, message: error.message });
        }
        if (schedule.input !== undefined) {
          const problem = inputProblem(schedule.input);
          if (problem !== null) issues.push({ path: `${at}.input`, message: problem });
        }
        const first = seen.get(schedule.name);
        if (first === undefined) seen.set(schedule.name, schedule.eventIndex);
        else {
          issues.push({
            path: `${at}.name`,
            message: `the schedule name "${schedule.name}" is already used by functions.${fn.name}.events.${first}; give each schedule of a function its own name`,
          });
        }
      }
    }
    if (issues.length > 0) {
      throw new GustError(
        'ERR_INVALID_MANIFEST',
        issues.map((i) => `${manifest.file}: ${i.path}: ${i.message}`).join('\n'),
        { details: { file: manifest.file, issues } },
      );
    }
  },
};

function inputProblem(input: string): string | null {
  try {
    JSON.parse(input);
  } catch {
    return 'expected JSON text, or a YAML map, for the event the function receives';
  }
  const bytes = Buffer.byteLength(input);
  if (bytes > MAX_MESSAGE_BYTES) {
    return `the input is ${bytes} bytes; an async invocation takes at most ${MAX_MESSAGE_BYTES} bytes (256 KB)`;
  }
  return null;
}
