/**
 * What each route takes and answers, for the OpenAPI document. The schemas are the same
 * objects the handlers validate with, so the document cannot drift from the code.
 * Every route of lib/routes.ts must have an entry (a test checks it).
 */
import type { ZodType } from 'zod';
import * as d from './schemas/directory.js';
import { z } from './schemas/zod.js';

export interface Operation {
  summary: string;
  tag: string;
  body?: ZodType;
  query?: ZodType;
  /** Status and schema of the success answer; `null` schema for 204. */
  success: { status: number; schema: ZodType | null; description?: string };
  /** Error codes this operation can answer with, beyond the common ones. */
  errors?: Record<number, string[]>;
  idempotent?: boolean;
}

const Health = z.object({ ok: z.literal(true) }).openapi('Health');

export const operations: Record<string, Operation> = {
  'GET /health': { summary: 'Liveness check', tag: 'meta', success: { status: 200, schema: Health } },
  'GET /v1/openapi.json': {
    summary: 'This OpenAPI 3.1 document',
    tag: 'meta',
    success: { status: 200, schema: z.object({}).catchall(z.unknown()) },
  },

  'GET /v1/settings/practice': {
    summary: 'Read the practice settings (staff)',
    tag: 'directory',
    success: { status: 200, schema: d.PracticeSettings },
  },
  'PATCH /v1/settings/practice': {
    summary: 'Change the practice settings (admin)',
    tag: 'directory',
    body: d.UpdatePracticeSettings,
    success: { status: 200, schema: d.PracticeSettings },
  },
  'POST /v1/staff': {
    summary: 'Add a staff member (admin)',
    tag: 'directory',
    body: d.CreateStaff,
    success: { status: 201, schema: d.Staff },
    idempotent: true,
  },
  'GET /v1/staff': {
    summary: 'List staff, by name',
    tag: 'directory',
    query: d.ListStaffQuery,
    success: { status: 200, schema: d.StaffPage },
  },
  'GET /v1/staff/{id}': { summary: 'Read a staff member', tag: 'directory', success: { status: 200, schema: d.Staff } },
  'PATCH /v1/staff/{id}': {
    summary: 'Change a staff member (admin)',
    tag: 'directory',
    body: d.UpdateStaff,
    success: { status: 200, schema: d.Staff },
    errors: { 409: ['concurrent_update'] },
  },
  'POST /v1/patients': {
    summary: 'Add a patient (admin or receptionist)',
    tag: 'directory',
    body: d.CreatePatient,
    success: { status: 201, schema: d.Patient },
    idempotent: true,
  },
  'GET /v1/patients': {
    summary: 'List patients by name, or search by name word, email or phone prefix (staff)',
    tag: 'directory',
    query: d.ListPatientsQuery,
    success: { status: 200, schema: d.PatientPage },
  },
  'GET /v1/patients/{id}': {
    summary: 'Read a patient, with effective chat settings and blocked contacts',
    tag: 'directory',
    success: { status: 200, schema: d.Patient },
  },
  'PATCH /v1/patients/{id}': {
    summary: 'Change a patient (admin or receptionist)',
    tag: 'directory',
    body: d.UpdatePatient,
    success: { status: 200, schema: d.Patient },
    errors: { 409: ['concurrent_update'] },
  },
};
