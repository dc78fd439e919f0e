// The shape every language's dictionary has: the English one's keys, with strings and string formatters.
import { en } from './en.ts';
import { zh } from './zh.ts';

type Widen<T> = T extends (...args: infer A) => string ? (...args: A) => string : string;
export type Dictionary = { readonly [K in keyof typeof en]: Widen<(typeof en)[K]> };

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DICTIONARIES: Readonly<Record<Language, Dictionary>> = { en, zh };
