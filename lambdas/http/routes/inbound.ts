/** Inbound: quarantined messages of blocked senders, and suppressed addresses. */
import { route } from '../route-record.js';
import * as s from '../schemas/inbound.js';

export const inboundRoutes = {
  listQuarantine: route({
    method: 'GET',
    path: '/v1/quarantine',
    auth: 'jwt',
    summary: 'Inbound messages from blocked addresses, kept for audit only (admin), newest first; filters blockId, from, to',
    tag: 'inbound',
    query: s.ListQuarantineQuery,
    success: { status: 200, schema: s.QuarantinePage },
  }),
  listSuppressions: route({
    method: 'GET',
    path: '/v1/suppressions',
    auth: 'jwt',
    summary: 'Addresses nothing is sent to: permanent bounces, complaints and SMS opt-outs (manage_contacts), newest first',
    tag: 'inbound',
    query: s.ListSuppressionsQuery,
    success: { status: 200, schema: s.SuppressionPage },
  }),
  liftSuppression: route({
    method: 'DELETE',
    path: '/v1/suppressions/{id}',
    auth: 'jwt',
    summary: 'Lift a bounce or complaint suppression (admin); an SMS opt-out only its recipient can lift (409 opt_out_by_recipient)',
    tag: 'inbound',
    success: { status: 204 },
    errors: ['opt_out_by_recipient'],
  }),
};
