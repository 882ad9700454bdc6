import { describe, expect, it } from 'vitest';
import { invisibleName, showInvisible, splitInvisible } from '../../../shared/util/invisible-chars.js';
import { escapeTerminal } from '../../../shared/util/terminal-text.js';

describe('invisible characters: one definition for the UI markers and the terminal escapes', () => {
  it('cuts a right-to-left override out as a named marker, so the name reads as written', () => {
    expect(splitInvisible('invoice_\u202efdp.exe')).toEqual([
      'invoice_',
      { invisible: '\u202e', short: 'RLO', long: 'U+202E RIGHT-TO-LEFT OVERRIDE' },
      'fdp.exe',
    ]);
    expect(showInvisible('invoice_\u202efdp.exe')).toBe('invoice_⟨RLO⟩fdp.exe');
  });

  it('marks zero-width, bidi isolate, BOM, soft hyphen, C0/C1 controls and tag characters', () => {
    const text = 'a\u200bb\u200dc\u2066d\u2069e\ufefff\u00adg\x1bh\u0085i\u{e0041}j\u2028k';
    expect(showInvisible(text)).toBe('a⟨ZWSP⟩b⟨ZWJ⟩c⟨LRI⟩d⟨PDI⟩e⟨BOM⟩f⟨SHY⟩g⟨ESC⟩h⟨NEL⟩i⟨TAG A⟩j⟨LSEP⟩k');
    expect(invisibleName('\u0091')).toEqual({ short: 'U+0091', long: 'U+0091 C1 CONTROL', code: 0x91 });
  });

  it('leaves visible text alone: accents, emoji with variation selectors, right-to-left scripts', () => {
    const text = 'ünïcode ✓ ❤️ שלום مرحبا \\ back';
    expect(splitInvisible(text)).toEqual([text]);
    expect(showInvisible(text)).toBe(text);
  });

  it('keeps newlines and tabs for multi-line views only when asked', () => {
    expect(showInvisible('a\tb\nc')).toBe('a⟨TAB⟩b⟨LF⟩c');
    expect(showInvisible('a\tb\nc', { newline: true, tab: true })).toBe('a\tb\nc');
    expect(splitInvisible('')).toEqual(['']);
  });

  it('the terminal printer escapes exactly the same characters', () => {
    expect(escapeTerminal('invoice_\u202efdp.exe')).toBe('invoice_\\u202efdp.exe');
    expect(escapeTerminal('x\u{e0041}y\u00adz\u3164')).toBe('x\\u{e0041}y\\u00adz\\u3164');
    for (let code = 0; code < 0x3000; code++) {
      const char = String.fromCodePoint(code);
      const marked = showInvisible(char, { newline: true }) !== char;
      const escaped = escapeTerminal(char, { keepNewlines: true }) !== char;
      expect(escaped, `U+${code.toString(16)}`).toBe(marked);
    }
  });
});
