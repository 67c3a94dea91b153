import { permissions, staffRoles } from '../../domain/caller.js';
import { EmailField, Id, PageQuery, PhoneField, Timestamp, pageOf } from './common.js';
import * as z from './zod.js';

const Name = z.string().trim().min(1).max(200);
const Permission = z.enum(permissions);
const PermissionList = z.array(Permission).max(permissions.length);
const StaffStatus = z.enum(['active', 'inactive']).openapi({
  description: 'active (the default) or inactive: an inactive member of staff cannot call the API (403 unknown_caller) and is not in the staff list patients see',
});

// ---- practice settings
export const PracticeSettings = z
  .object({
    name: z.string().nullable(),
    defaultRegion: z.string().openapi({ description: 'ISO 3166 alpha-2', example: 'US' }),
    timeZone: z.string().openapi({ example: 'America/New_York' }),
    chatDefault: z
      .object({ directMessaging: z.boolean(), communityChat: z.boolean(), emailNotifications: z.boolean().optional() })
      .openapi({ description: 'The practice chat default, read-only here: change it with PATCH /v1/settings/chat' }),
    updatedAt: Timestamp.nullable(),
  })
  .openapi('PracticeSettings');

export const UpdatePracticeSettings = z
  .strictObject({
    name: Name.optional(),
    defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'Must be an ISO 3166 alpha-2 code such as US or GB').optional(),
    timeZone: z.string().min(1).max(64).optional(),
  })
  .openapi('UpdatePracticeSettings');

// ---- staff
export const Staff = z
  .object({
    id: Id,
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    role: z.enum(staffRoles),
    permissions: z.array(Permission).optional().openapi({ description: 'Shown to staff only: absent when a patient reads the staff list or a staff member' }),
    status: StaffStatus,
    emailNotifications: z
      .boolean()
      .optional()
      .openapi({ description: 'Their own setting for the "you have a new message" emails of portal messages (PATCH /v1/me); absent: never set, so true. Shown to staff only' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Staff');

export const UpdateMe = z
  .strictObject({
    emailNotifications: z.boolean().openapi({ description: 'false: no "you have a new message" email for portal messages' }),
  })
  .openapi('UpdateMe');

export const CreateStaff = z
  .strictObject({
    name: Name,
    email: EmailField.optional(),
    phone: PhoneField.optional(),
    role: z.enum(staffRoles),
    permissions: PermissionList,
  })
  .openapi('CreateStaff');

export const UpdateStaff = z
  .strictObject({
    name: Name.optional(),
    email: EmailField.nullable().optional(),
    phone: PhoneField.nullable().optional(),
    permissions: PermissionList.optional(),
    status: StaffStatus.optional(),
  })
  .openapi('UpdateStaff');

export const ListStaffQuery = z.strictObject({ ...PageQuery });
export const StaffPage = pageOf(Staff).openapi('StaffPage');

// ---- patients
const ChatSettings = z.strictObject({
  directMessaging: z.boolean(),
  communityChat: z.boolean(),
  emailNotifications: z.boolean().optional().openapi({ description: 'Left out: from the groups, else the practice default' }),
});
const EffectiveValue = z.object({ value: z.boolean(), source: z.enum(['patient', 'group', 'practice']) });

export const BlockedContact = z
  .object({ blockId: Id, type: z.enum(['email', 'phone']), value: z.string() })
  .openapi('BlockedContact');

export const Patient = z
  .object({
    id: Id,
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    whatsapp: z.string().nullable(),
    status: z.enum(['active', 'inactive']),
    chat: ChatSettings.nullable().openapi({ description: "The patient's own setting; null when none" }),
    effectiveChat: z
      .object({ directMessaging: EffectiveValue, communityChat: EffectiveValue, emailNotifications: EffectiveValue })
      .openapi({ description: 'The values in force and where each comes from (patient, group or practice)' }),
    blockedContacts: z
      .array(BlockedContact)
      .optional()
      .openapi({ description: 'The blocked-contacts reminder for staff, empty when none; absent when a patient reads their own record' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Patient');

export const CreatePatient = z
  .strictObject({
    name: Name,
    email: EmailField.optional(),
    phone: PhoneField.optional(),
    whatsapp: PhoneField.optional(),
    status: z.enum(['active', 'inactive']),
    chat: ChatSettings.optional(),
  })
  .openapi('CreatePatient');

export const UpdatePatient = z
  .strictObject({
    name: Name.optional(),
    email: EmailField.nullable().optional(),
    phone: PhoneField.nullable().optional(),
    whatsapp: PhoneField.nullable().optional(),
    status: z.enum(['active', 'inactive']).optional(),
    chat: ChatSettings.nullable().optional(),
  })
  .openapi('UpdatePatient');

export const ListPatientsQuery = z.strictObject({
  ...PageQuery,
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Prefix of a name word, email or phone' }),
});
// Patients in a list carry no blockedContacts reminder lookup cost: the list shows records only.
export const PatientPage = pageOf(Patient).openapi('PatientPage');
