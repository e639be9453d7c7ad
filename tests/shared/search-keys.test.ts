// How Find People folds names and phones: accents, case, width and spacing do not stop a match.

import { describe, expect, test } from 'vitest'
import { foldText, phoneDigits } from '../../shared/profile/search-keys'

describe('search keys', () => {
  test.each([
    ['José  García', 'jose garcia'],
    ['  ÉMILE\tZOLA ', 'emile zola'],
    ['Łódź', 'lodz'],
    ['Straße', 'strasse'],
    ['Ｆｕｌｌｗｉｄｔｈ', 'fullwidth'],
    ['Björk Guðmundsdóttir', 'bjork gudmundsdottir'],
    ['plain ascii', 'plain ascii'],
  ])('%j folds to %j', (text, folded) => {
    expect(foldText(text)).toBe(folded)
  })

  test('phones reduce to digits', () => {
    expect(phoneDigits('+49 151-234')).toBe('49151234')
    expect(phoneDigits('+1 (415) 555-1234')).toBe('14155551234')
  })
})
