// The small functions the fulfil-order workflow calls (workflows/fulfil-order.asl.json).

const PRICES = { tea: 4.5, mug: 12, teapot: 35 };

/** Map iteration: one order line → its price. */
export const priceLine = async (line) => {
  const price = PRICES[line.item];
  if (price === undefined)
    throw Object.assign(new Error(`no such item: ${line.item}`), { name: 'UnknownItem' });
  return { ...line, amount: price * line.qty };
};

let calls = 0;
/**
 * Charges the order. The first call of each warm instance fails with PaymentServiceBusy, to show
 * the Retry; an order with `"card": "declined"` fails with CardDeclined, to show the Catch.
 */
export const charge = async (event) => {
  calls += 1;
  if (calls === 1)
    throw Object.assign(new Error('the payment service is busy'), { name: 'PaymentServiceBusy' });
  if (event.card === 'declined') throw Object.assign(new Error('card declined'), { name: 'CardDeclined' });
  const total = event.lines.reduce((sum, line) => sum + line.amount, 0);
  return { total, receipt: `r-${event.orderId}-${Date.now()}` };
};

/** Ships the order (here: logs it). */
export const ship = async (order) => {
  console.log(`shipping order ${order.orderId} by ${order.shipping}`);
  return { trackingId: `t-${order.orderId}`, by: order.shipping };
};
