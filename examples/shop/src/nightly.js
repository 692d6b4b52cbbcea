// Runs on a schedule; receives EventBridge's "Scheduled Event".
export const handler = async (event) => {
  console.log(`nightly report for ${event.time}`);
  return { ok: true };
};
