/** The block-visibility consumer's composition: hideExisting off the stream. */
import { DynamoCorrespondenceRepository } from '../adapters/dynamo/correspondence-repository.js';
import { DynamoDirectoryReader } from '../adapters/dynamo/directory-reader.js';
import type { VisibilityDeps } from '../use-cases/block-visibility.js';

/** Outside a request, so every directory read goes to the table (no request cache). */
export const visibilityDeps: VisibilityDeps = { conversations: new DynamoCorrespondenceRepository(), directory: new DynamoDirectoryReader() };
