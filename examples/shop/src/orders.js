const orders = new Map();

export const handler = async (event) => {
  if (event.requestContext.http.method === 'POST') {
    let order;
    try {
      order = JSON.parse(
        event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : (event.body ?? ''),
      );
    } catch {
      return { statusCode: 400, body: JSON.stringify({ message: 'body must be JSON' }) };
    }
    if (!Array.isArray(order.items) || order.items.length === 0) {
      return { statusCode: 422, body: JSON.stringify({ message: 'an order needs items' }) };
    }
    const id = String(orders.size + 1);
    orders.set(id, { id, items: order.items, createdAt: new Date().toISOString() });
    console.info('order created', id);
    return { statusCode: 201, headers: { location: `/orders/${id}` }, body: JSON.stringify(orders.get(id)) };
  }
  const order = orders.get(event.pathParameters.id);
  if (!order) return { statusCode: 404, body: JSON.stringify({ message: 'no such order on this instance' }) };
  return order;
};
