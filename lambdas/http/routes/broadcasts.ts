/** Broadcasts (blasts). */
import { route } from '../route-record.js';
import * as bc from '../schemas/broadcasts.js';

export const broadcastRoutes = {
  createBroadcast: route({
    method: 'POST',
    path: '/v1/broadcasts',
    auth: 'jwt',
    summary: 'Send a blast: one private message per recipient, fanned out in the background (send_messages)',
    tag: 'broadcasts',
    body: bc.CreateBroadcast,
    success: { status: 202, schema: bc.BroadcastAccepted },
    idempotent: true,
  }),
  getBroadcast: route({
    method: 'GET',
    path: '/v1/broadcasts/{id}',
    auth: 'jwt',
    summary: 'Progress of a broadcast',
    tag: 'broadcasts',
    success: { status: 200, schema: bc.Broadcast },
  }),
};
