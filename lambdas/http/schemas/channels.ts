/** Channel settings: which SMS numbers, WhatsApp phone-number ids and inbound addresses are the practice's. */
import * as z from './zod.js';

const Entry = z.string().trim().min(1).max(254);

export const ChannelSettings = z
  .object({
    smsNumbers: z.array(z.string()).openapi({ description: 'E.164; outbound SMS goes from the first', example: ['+15555550100'] }),
    whatsappPhoneNumberIds: z.array(z.string()).openapi({ description: 'WhatsApp Cloud API phone-number ids; outbound WhatsApp goes from the first' }),
    inboundEmailAddresses: z.array(z.string()).openapi({
      description: "Lower-cased; outbound email carries a Reply-To of the form <local>+<token>@<domain> built on the first",
      example: ['replies@clinic.example.com'],
    }),
  })
  .openapi('ChannelSettings');

export const UpdateChannelSettings = z
  .strictObject({
    smsNumbers: z.array(Entry).max(10).optional(),
    whatsappPhoneNumberIds: z.array(Entry).max(10).optional(),
    inboundEmailAddresses: z.array(Entry).max(10).optional(),
  })
  .openapi('UpdateChannelSettings', {
    description:
      'Each list given replaces the current one. A number, phone-number id or address held by another practice → 409 channel_address_taken (nothing is changed).',
  });
