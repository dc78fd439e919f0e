// Tests for the console's language choice.
import { describe, expect, it } from 'vitest';
import { chooseLanguage, withLanguage } from './language.ts';
import { DICTIONARIES } from './i18n/dictionary.ts';
import { en } from './i18n/en.ts';

describe('chooseLanguage', () => {
  it('follows an explicit switch and asks for it to be remembered', () => {
    expect(chooseLanguage('en', 'zh', 'zh-CN')).toEqual({ language: 'en', remember: true });
  });
  it('uses the remembered choice when there is no switch', () => {
    expect(chooseLanguage(undefined, 'en', 'zh-CN,zh;q=0.9')).toEqual({ language: 'en', remember: false });
  });
  it('falls back to the first supported browser language, then to Chinese', () => {
    expect(chooseLanguage(undefined, undefined, 'fr-FR, en-US;q=0.8')).toEqual({ language: 'en', remember: false });
    expect(chooseLanguage(undefined, undefined, 'de')).toEqual({ language: 'zh', remember: false });
  });
  it('ignores values that are not a supported language', () => {
    expect(chooseLanguage('<script>', 'xx', undefined).language).toBe('zh');
  });
});

describe('withLanguage', () => {
  it('keeps the path and the filters and replaces only lang', () => {
    expect(withLanguage(new URL('http://h/console/lineage?subject=a&lang=en'), 'zh')).toBe('/console/lineage?subject=a&lang=zh');
  });
});

describe('dictionaries', () => {
  it('give every key a non-empty text in every language', () => {
    for (const dict of Object.values(DICTIONARIES)) {
      expect(Object.keys(dict).sort()).toEqual(Object.keys(en).sort());
      for (const value of Object.values(dict)) {
        const text = typeof value === 'function' ? (value as (...a: unknown[]) => string)(2, 'x') : value;
        expect(text.length).toBeGreaterThan(0);
      }
    }
  });
});
