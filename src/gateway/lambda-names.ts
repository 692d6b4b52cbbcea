import { GustError } from '../core/errors.js';

/** A function reference as the Lambda API accepts it, split into name and optional qualifier. */
export interface FunctionRef {
  name: string;
  qualifier: string | undefined;
}

function invalidName(raw: string): GustError {
  return new GustError('ERR_INVALID_PARAMETER', `'${raw}' is not a valid function name or ARN.`, {
    details: { parameter: 'FunctionName' },
  });
}

/**
 * Parses the FunctionName forms Lambda accepts: `name`, `name:qualifier`,
 * `123456789012:function:name[:qualifier]` and `arn:aws:lambda:region:account:function:name[:qualifier]`.
 * The account and region of an ARN are not checked: one Gust server is one account.
 */
export function parseFunctionRef(raw: string): FunctionRef {
  const parts = raw.split(':');
  let rest: string[];
  if (parts[0] === 'arn') {
    if (parts.length < 7 || parts[2] !== 'lambda' || parts[5] !== 'function') throw invalidName(raw);
    rest = parts.slice(6);
  } else if (parts.length >= 3 && parts[1] === 'function') {
    rest = parts.slice(2);
  } else {
    rest = parts;
  }
  if (rest.length > 2) throw invalidName(raw);
  const [name = '', qualifier] = rest;
  if (name === '' || qualifier === '') throw invalidName(raw);
  return { name, qualifier };
}

/** The ARN of a function (with `:qualifier` when given). */
export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}
