/** Channel settings: the practice's own numbers, WhatsApp phone-number ids and inbound addresses. */
import { route } from '../route-record.js';
import * as c from '../schemas/channels.js';

export const channelRoutes = {
  getChannelSettings: route({
    method: 'GET',
    path: '/v1/settings/channels',
    auth: 'jwt',
    summary: "Read the practice's channel settings (admin)",
    tag: 'channel settings',
    success: { status: 200, schema: c.ChannelSettings },
  }),
  updateChannelSettings: route({
    method: 'PATCH',
    path: '/v1/settings/channels',
    auth: 'jwt',
    summary: "Change the practice's channel settings (admin)",
    tag: 'channel settings',
    body: c.UpdateChannelSettings,
    success: { status: 200, schema: c.ChannelSettings },
    errors: ['channel_address_taken', 'concurrent_update'],
  }),
};
