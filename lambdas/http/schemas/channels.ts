/** Channel settings: which SMS numbers, WhatsApp phone-number ids and inbound addresses are the practice's. */
import * as z from './zod.js';

const Entry = z.string().check(z.trim(), z.minLength(1), z.maxLength(254));

export const ChannelSettings = z.doc(
  z.object({
    smsNumbers: z.doc(z.array(z.string()), { description: 'E.164; outbound SMS goes from the first', example: ['+15555550100'] }),
    whatsappPhoneNumberIds: z.doc(z.array(z.string()), { description: 'WhatsApp Cloud API phone-number ids; outbound WhatsApp goes from the first' }),
    inboundEmailAddresses: z.doc(z.array(z.string()), {
      description: 'Lower-cased; outbound email carries a Reply-To of the form <local>+<token>@<domain> built on the first',
      example: ['replies@clinic.example.com'],
    }),
  }),
  { id: 'ChannelSettings' },
);

export const UpdateChannelSettings = z.doc(
  z.strictObject({
    smsNumbers: z.optional(z.array(Entry).check(z.maxLength(10))),
    whatsappPhoneNumberIds: z.optional(z.array(Entry).check(z.maxLength(10))),
    inboundEmailAddresses: z.optional(z.array(Entry).check(z.maxLength(10))),
  }),
  {
    id: 'UpdateChannelSettings',
    description:
      'Each list given replaces the current one. A number, phone-number id or address held by another practice → 409 channel_address_taken (nothing is changed).',
  },
);
