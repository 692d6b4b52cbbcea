// Module state survives between invocations while the instance is warm, as on AWS Lambda.
let count = 0;
const startedAt = new Date().toISOString();

export const handler = async () => {
  count += 1;
  return { count, instanceStartedAt: startedAt, pid: process.pid };
};
