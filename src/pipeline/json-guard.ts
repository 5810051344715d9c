/** Deeper input is refused: JSON.stringify and mapping-kit recurse, and a bomb would crash the run. */
export const MAX_DEPTH = 64;

export type Guarded = { ok: true; text: string; exactened: number } | { ok: false; reason: string };

/**
 * One pass over a JSON line before it is parsed: refuses nesting deeper than MAX_DEPTH, and turns
 * numbers that a double cannot hold exactly (beyond 2^53, or out of range like 1e400) into strings
 * of the same digits, so an order id or objectId is never sent as a different number.
 */
export function guardJson(text: string): Guarded {
  let depth = 0;
  let unsafe: Array<[number, number]> | undefined;
  const strings = new StringEnds(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = strings.end(i + 1);
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return { ok: false, reason: `is nested deeper than ${MAX_DEPTH} levels` };
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      let exponent = false;
      for (let d = text.charCodeAt(j); j < text.length && isNumberChar(d); d = text.charCodeAt(++j)) if (d === 0x65 || d === 0x45) exponent = true;
      // Short plain numbers (nearly all) are exact: no token string is made for them.
      if ((j - i > 15 || exponent) && !exact(text.slice(i, j))) (unsafe ??= []).push([i, j]);
      i = j - 1;
    }
  }
  if (!unsafe) return { ok: true, text, exactened: 0 };
  let out = '';
  let at = 0;
  for (const [a, b] of unsafe) {
    out += `${text.slice(at, a)}"${text.slice(a, b)}"`;
    at = b;
  }
  return { ok: true, text: out + text.slice(at), exactened: unsafe.length };
}

/**
 * Where each string of the line ends, found with indexOf: most of an event's bytes are inside
 * strings, and stepping through them a character at a time in JS was most of this guard's cost.
 * The next backslash is remembered, so a line without escapes is searched for one once, not once
 * per string.
 */
class StringEnds {
  private backslash: number;

  constructor(private readonly text: string) {
    this.backslash = text.indexOf('\\');
  }

  /** The index of the quote closing the string whose text starts at `from` (the line's length when none does). */
  end(from: number): number {
    for (;;) {
      const quote = this.text.indexOf('"', from);
      if (quote === -1) return this.text.length;
      if (this.backslash !== -1 && this.backslash < from) this.backslash = this.text.indexOf('\\', from);
      if (this.backslash === -1 || this.backslash > quote) return quote;
      // An escape: the character after the backslash is part of the string, whatever it is.
      from = this.backslash + 2;
    }
  }
}

const isNumberChar = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;

/** True when the double read from `token` is the number it says (its shortest form denotes the same value). */
export function exact(token: string): boolean {
  const n = Number(token);
  return Number.isFinite(n) && canonical(token) === canonical(String(n));
}

/** A decimal as sign, significant digits and the power of ten of the last one: 1.50e3 → 15e2. */
function canonical(s: string): string {
  const lower = s.toLowerCase();
  const neg = lower.startsWith('-');
  const [mantissa = '', exp = '0'] = lower.replace(/^[-+]/, '').split('e');
  const [int = '', frac = ''] = mantissa.split('.');
  let digits = (int + frac).replace(/^0+/, '');
  let power = Number(exp) - frac.length;
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    power++;
  }
  return digits ? `${neg ? '-' : ''}${digits}e${power}` : '0';
}
