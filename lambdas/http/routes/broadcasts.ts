/** Broadcasts (blasts). */
import { route } from '../route-record.js';
import * as bc from '../schemas/broadcasts.js';

export const broadcastRoutes = {
  previewBroadcast: route({
    method: 'POST',
    path: '/v1/broadcasts/preview',
    auth: 'jwt',
    summary: 'Who a broadcast would reach, who is left out and why (the first 100 left out listed); nothing is sent (send_messages)',
    tag: 'broadcasts',
    body: bc.PreviewBroadcast,
    success: { status: 200, schema: bc.BroadcastPreview },
    errors: ['audience_too_large'],
  }),
  createBroadcast: route({
    method: 'POST',
    path: '/v1/broadcasts',
    auth: 'jwt',
    summary: 'Send a blast: accepted at once (202, status preparing); the audience is resolved and one private message per recipient fanned out in the background (send_messages)',
    tag: 'broadcasts',
    body: bc.CreateBroadcast,
    success: { status: 202, schema: bc.BroadcastAccepted },
    errors: ['audience_too_large'],
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
