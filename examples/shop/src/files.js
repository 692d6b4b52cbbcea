export const handler = async (event) => ({
  method: event.requestContext.http.method,
  path: event.pathParameters.proxy,
  query: event.queryStringParameters ?? {},
});
