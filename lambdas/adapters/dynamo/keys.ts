/**
 * Every key of the single table, one small function per item type. All keys start with the
 * practice (`P#<practiceId>#`), so tenant isolation is in the key. docs/data-model.md lists the
 * access pattern each serves.
 */
const P = (practiceId: string) => `P#${practiceId}`;

export const keys = {
  /** Practice settings: GetItem. */
  settings: (practiceId: string) => ({ pk: `${P(practiceId)}#SETTINGS`, sk: 'SETTINGS' }),

  /** A staff member: GetItem by id. */
  staff: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#STAFF#${id}`, sk: 'STAFF' }),
  /** gsi1: the practice's staff, ordered by name. */
  staffByName: (practiceId: string, name: string, id: string) => ({
    gsi1pk: `${P(practiceId)}#STAFF`,
    gsi1sk: `${sortableName(name)}#${id}`,
  }),
  staffListPk: (practiceId: string) => `${P(practiceId)}#STAFF`,

  /** A patient: GetItem by id. */
  patient: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#PATIENT#${id}`, sk: 'PATIENT' }),
  /** gsi1: the practice's patients, ordered by name. */
  patientByName: (practiceId: string, name: string, id: string) => ({
    gsi1pk: `${P(practiceId)}#PATIENTS`,
    gsi1sk: `${sortableName(name)}#${id}`,
  }),
  patientListPk: (practiceId: string) => `${P(practiceId)}#PATIENTS`,
  /** Patient search: one item per token (name word, email, phone digits); Query begins_with. */
  patientSearchPk: (practiceId: string) => `${P(practiceId)}#PSEARCH`,
  patientSearchToken: (practiceId: string, token: string, patientId: string) => ({
    pk: `${P(practiceId)}#PSEARCH`,
    sk: `${token}#${patientId}`,
  }),

  /** Idempotency record of one caller's key on one route. */
  idempotency: (practiceId: string, scope: string) => ({ pk: `${P(practiceId)}#IDEM#${scope}`, sk: 'IDEM' }),
};

const sortableName = (name: string) => name.trim().toLowerCase().replace(/#/g, '');
