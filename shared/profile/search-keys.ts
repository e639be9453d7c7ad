// Search keys: how names, emails and phones are folded so that Find People matches them
// case-insensitively and without accents. The store writes these keys and folds queries the same way.

const COMBINING_MARKS = /\p{M}+/gu
const WHITESPACE_RUN = /\s+/g
const NON_DIGITS = /\D+/g
const ASCII_ONLY = /^[\x20-\x7e]*$/

// Letters that NFKD leaves whole but that people type without their accent ('Łódź' -> 'lodz').
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
}
const EXTRA_FOLD_CHARS = new RegExp(`[${Object.keys(EXTRA_FOLDS).join('')}]`, 'g')

/** NFKD, combining marks stripped, lower-case, whitespace collapsed, trimmed: 'José  García' -> 'jose garcia'. */
export function foldText(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase().replace(WHITESPACE_RUN, ' ').trim()
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(EXTRA_FOLD_CHARS, (ch) => EXTRA_FOLDS[ch] ?? ch)
    .replace(WHITESPACE_RUN, ' ')
    .trim()
}

/** Digits only: '+49 151-234' -> '49151234'. */
export function phoneDigits(phone: string): string {
  return phone.replace(NON_DIGITS, '')
}
