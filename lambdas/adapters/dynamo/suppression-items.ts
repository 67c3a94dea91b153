/** What a suppression item's list entry is made of (the repository and the one-off list backfill). */
import type { AddressType } from '../../use-cases/inbound/ports.js';

/** What `q` is matched against: emails lower-case, phones their digits (as GET /v1/contacts?q= reads a phone). */
export const searchAddress = (type: AddressType, address: string) => (type === 'phone' ? address.replace(/\D/g, '') : address.toLowerCase());

/** The channel a suppression is listed under when its item does not say. */
export const channelOfAddress = (type: AddressType) => (type === 'email' ? 'email' : 'sms');
