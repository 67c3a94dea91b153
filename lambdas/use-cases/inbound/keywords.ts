/**
 * SMS opt-out and opt-in keywords (the carriers' and CTIA's list): the keyword alone in the
 * message, any case, surrounding whitespace and a trailing full stop or exclamation mark ignored.
 */
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'CANCEL', 'OPTOUT', 'REVOKE']);
const OPT_IN = new Set(['START', 'UNSTOP']);

export type SmsKeyword = 'opt_out' | 'opt_in' | null;

export function smsKeyword(text: string): SmsKeyword {
  const word = text.trim().replace(/[.!]+$/, '').trim();
  // ASCII letters only: no Unicode case folding turns another word into a keyword.
  if (!/^[A-Za-z]+$/.test(word)) return null;
  const upper = word.toUpperCase();
  if (OPT_OUT.has(upper)) return 'opt_out';
  if (OPT_IN.has(upper)) return 'opt_in';
  return null;
}
