/** Attachments: call the use case. */
import * as uc from '../../use-cases/attachments/index.js';
import { httpFunction } from '../../http/http-function.js';
import { attachmentRoutes } from '../../http/routes/attachments.js';
import { attachmentDeps as deps } from '../../attachment-wiring.js';
import { unpagedHttpOptions as httpOptions } from '../../wiring/caller.js';

export const handler = httpFunction(
  attachmentRoutes,
  {
    createAttachment: ({ caller, body }) => uc.createUpload(deps, caller, body),
    completeAttachment: ({ caller, params }) => uc.completeUpload(deps, caller, params.id),
    getAttachment: ({ caller, params }) => uc.getAttachment(deps, caller, params.id),
  },
  httpOptions,
);
