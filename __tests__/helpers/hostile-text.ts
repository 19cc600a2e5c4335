/**
 * Text a hostile or broken server (or token) may send, to drive a terminal or break a line: each
 * entry with what a terminal should be shown instead (U+FFFD where a control character was).
 */
const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;
const R = '\uFFFD';

/** Anything a terminal acts on: C0 but \n and \t, DEL, C1, bidi controls, line/paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const TERMINAL_ACTIVE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\p{Bidi_Control}\u2028\u2029]/u;

// [what, hostile text, what a terminal should be shown]
export const HOSTILE: readonly (readonly [string, string, string])[] = [
  ['clear screen (ESC[2J)', `a${ESC}[2Jb`, 'ab'],
  ['cursor home and erase line', `${ESC}[H${ESC}[2Kok`, 'ok'],
  ['colour (SGR)', `${ESC}[1;31mred${ESC}[0m`, 'red'],
  ['private mode (hide cursor)', `${ESC}[?25lx`, 'x'],
  ['OSC 8 hyperlink ended by BEL', `${ESC}]8;;https://evil.test/${BEL}click${ESC}]8;;${BEL}`, 'click'],
  ['OSC 8 hyperlink ended by ST', `${ESC}]8;;https://evil.test/${ST}click${ESC}]8;;${ST}`, 'click'],
  ['OSC 0 window title', `${ESC}]0;pwned${BEL}title`, 'title'],
  ['OSC 52 clipboard write', `${ESC}]52;c;Y3VybCBldmlsLnRlc3Q=${BEL}x`, 'x'],
  ['DCS string', `${ESC}Pq#0;2;0;0;0${ST}x`, 'x'],
  ['APC string', `${ESC}_payload${ST}x`, 'x'],
  ['unterminated OSC', `${ESC}]8;;https://evil.test/`, '8;;https://evil.test/'],
  ['unterminated CSI', `x${ESC}[31`, 'x31'],
  ['lone ESC at the end', `x${ESC}`, `x${R}`],
  ['full reset (ESC c)', `${ESC}cx`, 'x'],
  ['save cursor (ESC 7)', `${ESC}7x`, 'x'],
  ['charset designation (ESC ( 0)', `${ESC}(0x`, 'x'],
  ['BEL', `ding${BEL}`, `ding${R}`],
  ['CR overwriting what came before', `secret-looking\rfine`, `secret-looking${R}fine`],
  ['backspaces', 'abc\b\b\bxyz', `abc${R}${R}${R}xyz`],
  ['NUL', 'a\0b', `a${R}b`],
  ['DEL', 'a\x7fb', `a${R}b`],
  ['C1 CSI (U+009B)', 'a\u009b2Jb', 'ab'],
  ['C1 OSC (U+009D) ended by C1 ST', 'a\u009d0;title\u009cb', 'ab'],
  ['C1 NEL (U+0085)', 'a\u0085b', `a${R}b`],
  ['right-to-left override (U+202E)', 'file\u202Etxt.exe', `file${R}txt.exe`],
  ['bidi isolates (U+2066..U+2069)', '\u2066a\u2067b\u2068c\u2069', `${R}a${R}b${R}c${R}`],
  ['right-to-left mark (U+200F) and Arabic letter mark (U+061C)', 'a\u200Fb\u061Cc', `a${R}b${R}c`],
  ['line and paragraph separators', 'a\u2028b\u2029c', `a${R}b${R}c`],
  ['vertical tab and form feed', 'a\vb\fc', `a${R}b${R}c`],
];

/** Every hostile text of HOSTILE in one string, as a server might send it. */
export const ALL_HOSTILE = HOSTILE.map(([, hostile]) => hostile).join(' ');
