import { describe, expect, it, vi } from 'vitest';
import type { OutboundMessage } from '../../../lambdas/use-cases/provider-ports.js';
import { WhatsAppCloudSender, type WhatsAppCloudSenderOptions } from '../../../lambdas/adapters/providers/whatsapp-cloud.js';

const message: OutboundMessage = {
  deliveryId: 'DLV#01JB#003', practiceId: 'practice-1',
  channel: 'whatsapp',
  to: '+15555550123',
  text: 'Your results are ready: https://portal.example/r',
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const accepted = () =>
  json(200, {
    messaging_product: 'whatsapp',
    contacts: [{ input: '15555550123', wa_id: '15555550123' }],
    messages: [{ id: 'wamid.HBgLMTU1NTU1NTAxMjMVAgARGBI' }],
  });

/** A Meta error response; message and details deliberately echo the recipient and the body. */
const metaError = (status: number, code: number) =>
  json(status, {
    error: {
      message: `(#${code}) failed for +15555550123: ${message.text}`,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details: `recipient 15555550123; body ${message.text}` },
      fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
    },
  });

type FetchFn = typeof fetch;

function setup(responses: (Response | Error)[], options: Partial<WhatsAppCloudSenderOptions> = {}) {
  const queue = [...responses];
  const fetchMock = vi.fn<FetchFn>(async () => {
    const next = queue.shift();
    if (!next) throw new Error('unexpected fetch');
    if (next instanceof Error) throw next;
    return next;
  });
  let n = 0;
  const accessToken = vi.fn(async (_o?: { refresh?: boolean }) => `token-${++n}`);
  const sender = new WhatsAppCloudSender({ phoneNumberId: '106540352242922', accessToken, fetch: fetchMock, ...options });
  const call = (i: number) => {
    const [url, init] = fetchMock.mock.calls[i]!;
    return { url, init: init!, body: JSON.parse(String(init!.body)) as unknown };
  };
  return { sender, fetchMock, accessToken, call };
}

describe('Provider: WhatsApp Cloud API', () => {
  it('POSTs one text message to the phone number id with a bearer token and returns the wamid', async () => {
    const { sender, fetchMock, accessToken, call } = setup([accepted()]);

    const result = await sender.send(message);

    expect(result).toEqual({ ok: true, providerMessageId: 'wamid.HBgLMTU1NTU1NTAxMjMVAgARGBI' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(accessToken).toHaveBeenCalledTimes(1);
    expect(accessToken).toHaveBeenCalledWith(undefined);
    const { url, init, body } = call(0);
    expect(url).toBe('https://graph.facebook.com/v21.0/106540352242922/messages');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ Authorization: 'Bearer token-1', 'Content-Type': 'application/json' });
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '15555550123',
      type: 'text',
      text: { preview_url: false, body: 'Your results are ready: https://portal.example/r' },
    });
  });

  it('uses the configured API version and base URL', async () => {
    const { sender, call } = setup([accepted()], { apiVersion: 'v23.0', baseUrl: 'http://127.0.0.1:9999/' });
    await sender.send(message);
    expect(call(0).url).toBe('http://127.0.0.1:9999/v23.0/106540352242922/messages');
  });

  it('after a 401 asks for a refreshed token once and resends with it', async () => {
    const { sender, fetchMock, accessToken, call } = setup([metaError(401, 190), accepted()]);

    expect(await sender.send(message)).toEqual({ ok: true, providerMessageId: 'wamid.HBgLMTU1NTU1NTAxMjMVAgARGBI' });

    expect(accessToken.mock.calls).toEqual([[undefined], [{ refresh: true }]]);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(call(1).init.headers).toEqual({ Authorization: 'Bearer token-2', 'Content-Type': 'application/json' });
    expect(call(1).body).toEqual(call(0).body);
  });

  it('treats code 190 on a 400 (expired token) the same way', async () => {
    const { sender, fetchMock } = setup([metaError(400, 190), accepted()]);
    expect((await sender.send(message)).ok).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('refreshes only once: a second rejection is a retryable failure', async () => {
    const { sender, fetchMock } = setup([metaError(401, 190), metaError(401, 190)]);
    expect(await sender.send(message)).toEqual({ ok: false, retryable: true, reason: 'whatsapp_190_token_expired' });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  const codes: [number, number, boolean, string][] = [
    [400, 4, true, 'whatsapp_4_app_rate_limited'],
    [400, 80007, true, 'whatsapp_80007_waba_rate_limited'],
    [400, 130429, true, 'whatsapp_130429_throughput_rate_limited'],
    [400, 131048, true, 'whatsapp_131048_spam_rate_limited'],
    [400, 131056, true, 'whatsapp_131056_pair_rate_limited'],
    [500, 131000, true, 'whatsapp_131000_something_went_wrong'],
    [503, 131016, true, 'whatsapp_131016_service_overloaded'],
    [503, 2, true, 'whatsapp_2_service_unavailable'],
    [403, 10, true, 'whatsapp_10_permission_denied'],
    [403, 200, true, 'whatsapp_200_permission_denied'],
    [400, 131042, true, 'whatsapp_131042_payment_issue'],
    [400, 100, false, 'whatsapp_100_invalid_parameter'],
    [400, 131026, false, 'whatsapp_131026_undeliverable'],
    [400, 131047, false, 'whatsapp_131047_reengagement_window_closed'],
    [400, 131030, false, 'whatsapp_131030_recipient_not_allowed'],
    [400, 131049, false, 'whatsapp_131049_not_delivered_ecosystem_limit'],
    [400, 131050, false, 'opted_out'],
    [400, 424242, false, 'whatsapp_424242'],
    [503, 424242, true, 'whatsapp_424242'],
    [429, 424242, true, 'whatsapp_424242'],
  ];

  it.each(codes)('HTTP %i with Meta code %i → retryable %s, %s', async (status, code, retryable, reason) => {
    const { sender, fetchMock } = setup([metaError(status, code)]);
    expect(await sender.send(message)).toEqual({ ok: false, retryable, reason });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('falls back to the HTTP status when the body has no Meta error', async () => {
    const cases: [Response, boolean, string][] = [
      [new Response('Too Many Requests', { status: 429 }), true, 'whatsapp_http_429'],
      [new Response('<html>bad gateway</html>', { status: 502 }), true, 'whatsapp_http_502'],
      [new Response('', { status: 404 }), false, 'whatsapp_http_404'],
    ];
    for (const [response, retryable, reason] of cases) {
      const { sender } = setup([response]);
      expect(await sender.send(message), reason).toEqual({ ok: false, retryable, reason });
    }
  });

  it('classifies network failures and timeouts as retryable; ambiguous unless the connection never opened', async () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect(await setup([new TypeError('fetch failed')]).sender.send(message))
      .toEqual({ ok: false, retryable: true, reason: 'network_error', ambiguous: true });
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(await setup([refused]).sender.send(message)).toEqual({ ok: false, retryable: true, reason: 'network_error' });
    expect(await setup([timeout]).sender.send(message)).toEqual({ ok: false, retryable: true, reason: 'timeout', ambiguous: true });
  });

  it('answers retryable token_unavailable when no token can be had, without calling Meta', async () => {
    const fetchMock = vi.fn<FetchFn>();
    const sender = new WhatsAppCloudSender({
      phoneNumberId: '1',
      accessToken: async () => { throw new Error('Secrets Manager down'); },
      fetch: fetchMock,
    });
    expect(await sender.send(message)).toEqual({ ok: false, retryable: true, reason: 'token_unavailable' });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('refuses a recipient that is not E.164, without calling Meta', async () => {
    const { sender, fetchMock } = setup([]);
    expect(await sender.send({ ...message, to: '555-0123' })).toEqual({ ok: false, retryable: false, reason: 'invalid_recipient' });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('treats a 200 without a message id as a failure that must not be resent', async () => {
    const { sender } = setup([json(200, { messaging_product: 'whatsapp' })]);
    expect(await sender.send(message)).toEqual({ ok: false, retryable: false, reason: 'malformed_response' });
  });
});
