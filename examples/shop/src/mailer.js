// Triggered by the `emails` queue with Lambda's SQS event. A message that is not JSON or has no
// address is reported in batchItemFailures: only it is retried, and after 3 receives it moves to
// emails-dlq with the reason (see `gust dlq ls`).
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      const email = JSON.parse(record.body);
      if (!email.to) throw new Error('no "to" address');
      console.log(`sending to ${email.to}: ${email.subject ?? '(no subject)'}`);
    } catch (error) {
      console.error(`message ${record.messageId} failed: ${error.message}`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
