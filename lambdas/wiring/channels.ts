/** The channel settings function's composition (the webhook edge's routing reads the same store: webhook-wiring.ts). */
import { DynamoChannelSettingsStore } from '../adapters/dynamo/channel-settings-repository.js';
import type { ChannelSettingsDeps } from '../use-cases/channels/channel-settings.js';
import { systemClock } from '../use-cases/clock.js';
import { directory } from './caller.js';

export const channelSettingsDeps: ChannelSettingsDeps = {
  channels: new DynamoChannelSettingsStore(),
  regionOf: async (practiceId) => (await directory.getSettings(practiceId)).defaultRegion,
  now: systemClock,
};
