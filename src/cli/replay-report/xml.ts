// Minimal XML text escaping for the JUnit report; characters XML 1.0 cannot carry are replaced.

const INVALID = /[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
