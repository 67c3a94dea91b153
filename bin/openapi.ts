/**
 * `npm run openapi`: writes the OpenAPI document the API serves (docs/openapi.json) and the
 * TypeScript types that openapi-typescript generates from it (test/integration/api-types.ts),
 * which the integration tests' client is typed with. A unit test fails while either is stale.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generatedApiTypes, openApiJson } from '../test/openapi-artifacts.js';

const root = resolve(import.meta.dirname, '..');
writeFileSync(resolve(root, 'docs/openapi.json'), openApiJson());
writeFileSync(resolve(root, 'test/integration/api-types.ts'), await generatedApiTypes());
console.log('wrote docs/openapi.json and test/integration/api-types.ts');
