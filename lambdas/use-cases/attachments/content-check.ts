/**
 * Does a file's beginning match its declared type? The leading bytes (a few KB) are read by a
 * maintained detector (`file-type`) for images and PDF; Office Open XML (DOCX, XLSX, PPTX) and
 * OpenDocument (ODT) are ZIP containers; TXT and CSV must be text; RTF starts with `{\rtf`.
 * Returns null when it matches, else a short machine reason.
 */
import { fileTypeFromBuffer } from 'file-type';
import { ACCEPTED_TYPES, bareType } from '../../domain/attachment-rules.js';

/** How many leading bytes the check reads: enough for the detector and a ZIP's first entries. */
export const LEADING_BYTES = 8192;

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** HEIC files carry brands the detector names `image/heic` or `image/heif` (and their sequences). */
const SAME_FAMILY: Readonly<Record<string, readonly string[]>> = {
  'image/heic': ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
};

/**
 * @param bytes the leading bytes of the object
 * @param complete true when `bytes` is the whole object (a text file may then not end mid-character)
 */
export async function contentMismatch(declared: string, bytes: Uint8Array, complete: boolean): Promise<string | null> {
  const type = bareType(declared);
  const family = ACCEPTED_TYPES[type];
  if (!family) return 'unsupported_type';
  const detected = await fileTypeFromBuffer(bytes).catch(() => undefined);
  switch (family) {
    case 'detected': {
      const accepted = SAME_FAMILY[type] ?? [type];
      return detected && accepted.includes(detected.mime) ? null : 'content_does_not_match_type';
    }
    case 'ooxml':
      // A ZIP whose entries the detector either names as this very type, or cannot name further.
      if (!startsWith(bytes, ZIP_LOCAL_HEADER)) return 'content_does_not_match_type';
      return detected && (detected.mime === type || detected.mime === 'application/zip') ? null : 'content_does_not_match_type';
    case 'odf':
      // ODF's first entry is an uncompressed `mimetype` holding the type itself.
      if (!startsWith(bytes, ZIP_LOCAL_HEADER)) return 'content_does_not_match_type';
      return detected?.mime === type ? null : 'content_does_not_match_type';
    case 'rtf':
      return startsWith(bytes, ascii('{\\rtf')) ? null : 'content_does_not_match_type';
    case 'text':
      return detected || !isText(bytes, complete) ? 'content_is_not_text' : null;
  }
}

/** Valid UTF-8 (a read cut mid-character is fine) with no NUL byte. */
function isText(bytes: Uint8Array, complete: boolean): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}
