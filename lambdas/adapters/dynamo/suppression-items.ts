/**
 * What a suppression item says and how its list entry is made (the repository, the dispatcher's
 * provider-side opt-out, the preview's opt-out listing and the one-off list backfill).
 */
import type { AddressType, SuppressionReason } from '../../use-cases/inbound/ports.js';

/** How the dispatcher recorded a provider-side opt-out before it wrote `opt_out` like a keyword one: items may still carry it. */
export const PROVIDER_OPT_OUT = 'opted_out';

/** Stored reasons that mean the number opted out (STOP). */
export const OPT_OUT_REASONS: ReadonlySet<string> = new Set(['opt_out', PROVIDER_OPT_OUT]);

/** A stored reason as the API names it (a provider-side opt-out is an opt-out). */
export const reasonOf = (raw: unknown): SuppressionReason => (raw === PROVIDER_OPT_OUT ? 'opt_out' : (raw as SuppressionReason));

/** What `q` is matched against: emails lower-case, phones their digits (as GET /v1/contacts?q= reads a phone). */
export const searchAddress = (type: AddressType, address: string) => (type === 'phone' ? address.replace(/\D/g, '') : address.toLowerCase());

/** The channel a suppression is listed under when its item does not say. */
export const channelOfAddress = (type: AddressType) => (type === 'email' ? 'email' : 'sms');
