// A Lambda-style handler: (event, context) => result. The HTTP route gives it an API Gateway
// HTTP API (payload format 2.0) event.
export const handler = async (event, context) => {
  const name = event.pathParameters?.name ?? 'world';
  console.log(`greeting ${name}`);
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: `${process.env.GREETING}, ${name}! (request ${context.awsRequestId})\n`,
  };
};
