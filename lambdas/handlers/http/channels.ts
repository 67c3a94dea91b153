/** Channel settings: call the use case. */
import * as uc from '../../use-cases/channels/channel-settings.js';
import { httpFunction } from '../../http/http-function.js';
import { channelRoutes } from '../../http/routes/channels.js';
import { unpagedHttpOptions as httpOptions } from '../../wiring/caller.js';
import { channelSettingsDeps as deps } from '../../wiring/channels.js';

export const handler = httpFunction(
  channelRoutes,
  {
    getChannelSettings: ({ caller }) => uc.getChannelSettings(deps, caller),
    updateChannelSettings: ({ caller, body }) => uc.updateChannelSettings(deps, caller, body),
  },
  httpOptions,
);
