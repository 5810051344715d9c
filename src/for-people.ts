/**
 * Text from outside (an OAuth callback's `error`, an input line echoed in a message, a server's
 * answer) may carry terminal escape sequences: a page could print a fake "Logged in OK", move the
 * cursor or retitle the window. Everything printed for people goes through here: control
 * characters (and the bidirectional overrides that reorder text) become visible escapes; line
 * breaks and tabs stay.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function forPeople(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
