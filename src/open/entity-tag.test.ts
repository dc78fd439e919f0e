// Entity tags of open-data pages: they change with anything that changes the page, and If-None-Match
// compares them weakly.
import { describe, expect, it } from 'vitest';
import { matchesIfNoneMatch, pageEntityTag, type PageIdentity } from './entity-tag.ts';

const base: PageIdentity = { dataVersion: 'd1', catalogVersion: 'c1', status: 'active', table: 'market.enterprises', cursor: null, limit: 1000, format: 'csv' };

describe('pageEntityTag', () => {
  it.each(['dataVersion', 'catalogVersion', 'status', 'cursor', 'limit', 'format'] as const)('changes when %s changes', (field) => {
    const other = { ...base, [field]: field === 'limit' ? 10 : 'other' };
    expect(pageEntityTag(other)).not.toBe(pageEntityTag(base));
  });

  it('is weak and stable for the same page', () => {
    expect(pageEntityTag(base)).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(pageEntityTag({ ...base })).toBe(pageEntityTag(base));
  });
});

describe('matchesIfNoneMatch', () => {
  const tag = pageEntityTag(base);
  it('matches the tag itself, its strong spelling, a list holding it, and *', () => {
    expect(matchesIfNoneMatch(tag, tag)).toBe(true);
    expect(matchesIfNoneMatch(tag.slice(2), tag)).toBe(true);
    expect(matchesIfNoneMatch(`"x", ${tag}`, tag)).toBe(true);
    expect(matchesIfNoneMatch('*', tag)).toBe(true);
  });
  it('does not match another tag or no header', () => {
    expect(matchesIfNoneMatch('W/"other"', tag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, tag)).toBe(false);
  });
});
