import { permissions, staffRoles } from '../../domain/caller.js';
import { EmailField, Id, PageQuery, PhoneField, Timestamp, pageOf } from './common.js';
import * as z from './zod.js';

const Name = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const Permission = z.enum(permissions);
const PermissionList = z.array(Permission).check(z.maxLength(permissions.length));
const StaffStatus = z.doc(z.enum(['active', 'inactive']), {
  description:
    'active (the default) or inactive: an inactive member of staff cannot call the API (403 unknown_caller) and is not in the staff list patients see',
});

// ---- practice settings
export const PracticeSettings = z.doc(
  z.object({
    name: z.nullable(z.string()),
    defaultRegion: z.doc(z.string(), { description: 'ISO 3166 alpha-2', example: 'US' }),
    timeZone: z.doc(z.string(), { example: 'America/New_York' }),
    chatDefault: z.doc(z.object({ directMessaging: z.boolean(), communityChat: z.boolean(), emailNotifications: z.optional(z.boolean()) }), {
      description: 'The practice chat default, read-only here: change it with PATCH /v1/settings/chat',
    }),
    updatedAt: z.nullable(Timestamp),
  }),
  { id: 'PracticeSettings' },
);

export const UpdatePracticeSettings = z.doc(
  z.strictObject({
    name: z.optional(Name),
    defaultRegion: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'Must be an ISO 3166 alpha-2 code such as US or GB'))),
    timeZone: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  }),
  { id: 'UpdatePracticeSettings' },
);

// ---- staff
export const Staff = z.doc(
  z.object({
    id: Id,
    name: z.string(),
    email: z.nullable(z.string()),
    phone: z.nullable(z.string()),
    role: z.enum(staffRoles),
    permissions: z.doc(z.optional(z.array(Permission)), { description: 'Shown to staff only: absent when a patient reads the staff list or a staff member' }),
    status: StaffStatus,
    emailNotifications: z.doc(z.optional(z.boolean()), {
      description:
        'Their own setting for the "you have a new message" emails of portal messages (PATCH /v1/me); absent: never set, so true. Shown to staff only',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
  { id: 'Staff' },
);

export const UpdateMe = z.doc(
  z.strictObject({
    emailNotifications: z.doc(z.boolean(), { description: 'false: no "you have a new message" email for portal messages' }),
  }),
  { id: 'UpdateMe' },
);

export const CreateStaff = z.doc(
  z.strictObject({
    name: Name,
    email: z.optional(EmailField),
    phone: z.optional(PhoneField),
    role: z.enum(staffRoles),
    permissions: PermissionList,
  }),
  { id: 'CreateStaff' },
);

export const UpdateStaff = z.doc(
  z.strictObject({
    name: z.optional(Name),
    email: z.optional(z.nullable(EmailField)),
    phone: z.optional(z.nullable(PhoneField)),
    permissions: z.optional(PermissionList),
    status: z.optional(StaffStatus),
  }),
  { id: 'UpdateStaff' },
);

export const ListStaffQuery = z.strictObject({ ...PageQuery });
export const StaffPage = z.doc(pageOf(Staff), { id: 'StaffPage' });

// ---- patients
const ChatSettings = z.strictObject({
  directMessaging: z.boolean(),
  communityChat: z.boolean(),
  emailNotifications: z.doc(z.optional(z.boolean()), { description: 'Left out: from the groups, else the practice default' }),
});
const EffectiveValue = z.object({ value: z.boolean(), source: z.enum(['patient', 'group', 'practice']) });

export const BlockedContact = z.doc(z.object({ blockId: Id, type: z.enum(['email', 'phone']), value: z.string() }), { id: 'BlockedContact' });

export const Patient = z.doc(
  z.object({
    id: Id,
    name: z.string(),
    email: z.nullable(z.string()),
    phone: z.nullable(z.string()),
    whatsapp: z.nullable(z.string()),
    status: z.enum(['active', 'inactive']),
    chat: z.doc(z.nullable(ChatSettings), { description: "The patient's own setting; null when none" }),
    effectiveChat: z.doc(z.object({ directMessaging: EffectiveValue, communityChat: EffectiveValue, emailNotifications: EffectiveValue }), {
      description: 'The values in force and where each comes from (patient, group or practice)',
    }),
    blockedContacts: z.doc(z.optional(z.array(BlockedContact)), {
      description: 'The blocked-contacts reminder for staff, empty when none; absent when a patient reads their own record',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
  { id: 'Patient' },
);

export const CreatePatient = z.doc(
  z.strictObject({
    name: Name,
    email: z.optional(EmailField),
    phone: z.optional(PhoneField),
    whatsapp: z.optional(PhoneField),
    status: z.enum(['active', 'inactive']),
    chat: z.optional(ChatSettings),
  }),
  { id: 'CreatePatient' },
);

export const UpdatePatient = z.doc(
  z.strictObject({
    name: z.optional(Name),
    email: z.optional(z.nullable(EmailField)),
    phone: z.optional(z.nullable(PhoneField)),
    whatsapp: z.optional(z.nullable(PhoneField)),
    status: z.optional(z.enum(['active', 'inactive'])),
    chat: z.optional(z.nullable(ChatSettings)),
  }),
  { id: 'UpdatePatient' },
);

export const ListPatientsQuery = z.strictObject({
  ...PageQuery,
  q: z.doc(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))), { description: 'Prefix of a name word, email or phone' }),
});
// Patients in a list carry no blockedContacts reminder lookup cost: the list shows records only.
export const PatientPage = z.doc(pageOf(Patient), { id: 'PatientPage' });
