import { describe, expect, it } from 'vitest';
import { scrollTopFor, visibleRows } from '../../../renderer/src/ui/fixed-row-window.js';

describe('fixed-height row window', () => {
  it('renders the rows in the viewport plus the overscan, clamped to the table', () => {
    expect(visibleRows(0, 240, 0, 24, 4)).toEqual({ first: 0, last: -1 });
    expect(visibleRows(0, 240, 1_000_000, 24, 4)).toEqual({ first: 0, last: 13 });
    // Scrolled half a row into row 1000: rows 1000–1010 are visible.
    expect(visibleRows(1000 * 24 + 12, 240, 1_000_000, 24, 4)).toEqual({ first: 996, last: 1014 });
    expect(visibleRows(999_990 * 24, 240, 1_000_000, 24, 4)).toEqual({ first: 999_986, last: 999_999 });
    expect(visibleRows(0, 240, 3, 24, 4)).toEqual({ first: 0, last: 2 });
    // A viewport not measured yet still renders the overscan.
    expect(visibleRows(0, 0, 100, 24, 4)).toEqual({ first: 0, last: 3 });
  });

  it('scrolls only as far as needed to show a row, or puts it at the bottom edge', () => {
    // Viewport 240 px tall at scrollTop 240: rows 10–19 visible.
    expect(scrollTopFor(12, 'auto', 240, 240, 24)).toBe(240);
    expect(scrollTopFor(5, 'auto', 240, 240, 24)).toBe(120);
    expect(scrollTopFor(25, 'auto', 240, 240, 24)).toBe(26 * 24 - 240);
    expect(scrollTopFor(999_999, 'end', 0, 240, 24)).toBe(1_000_000 * 24 - 240);
    expect(scrollTopFor(2, 'end', 0, 240, 24)).toBe(0);
  });
});
