/** Local webhook secrets when `npm start`'s environment sets none (printed at start); never used on AWS. */
export const LOCAL_WEBHOOK_DEFAULTS = {
  TWILIO_AUTH_TOKEN: 'local-twilio-auth-token',
  WHATSAPP_APP_SECRET: 'local-whatsapp-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'local-whatsapp-verify-token',
} as const;
