"""Text from files and users: compared in one normal form (:func:`norm`), and shown as data: escaped for Markdown surfaces, bidi controls made visible.

Streamlit renders most text (captions, messages, headers) as Markdown with HTML, maths (``$...$``), emoji
and colour directives; a survey header such as ``![x](http://host/p.png)`` would make every viewer's browser
fetch a tracking pixel. Everything that came from a file or a user reaches Streamlit through :func:`markdown`
(or a plain-text element through :func:`visible`). matplotlib and folium have their own guards
(``text.parse_math`` off in :mod:`gapmap.render.static`; :func:`gapmap.render.web.esc`).
"""

from __future__ import annotations

import re
import string
import unicodedata

# Characters that reorder text on screen (a right-to-left override can make "exe.txt" show as "txt.exe"),
# and other invisible controls: shown as their code point instead of acting.
_CONTROLS = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# CommonMark lets every ASCII punctuation character be escaped with a backslash, and then means it literally.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def visible(text: object) -> str:
    """The text with bidi overrides and control characters shown as ``[U+202E]`` rather than acting.

    >>> visible("abc\u202edef")
    'abc[U+202E]def'
    """
    return _CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", "" if text is None else str(text))


def terminal(text: object) -> str:
    r"""Text for a terminal: :func:`visible`, and a lone carriage return shown too (it would overwrite the line).

    An escape sequence in a column heading could otherwise retitle or clear the user's terminal.

    >>> terminal("ok\x1b[2Jgone\rX")
    'ok[U+001B][2Jgone[U+000D]X'
    """
    return re.sub(r"\r(?!\n)", "[U+000D]", visible(text))


def markdown(text: object) -> str:
    r"""Markdown source that displays ``text`` literally: no links, images, HTML, maths or formatting.

    Line breaks become spaces (a caption is one paragraph), so a line cannot start a heading or a list.

    >>> print(markdown("![x](h.png) $a$ <b>"))
    \!\[x\]\(h\.png\) \$a\$ \<b\>
    """
    flat = re.sub(r"[\r\n]+", " ", visible(text))
    return _PUNCTUATION.sub(r"\\\1", flat)


def norm(text: object) -> str:
    """Lower-case, straight quotes, '&' as 'and', every other punctuation run as one space.

    >>> norm("Don’t know") == norm("Don't know"), norm("Yes - definitely") == norm("yes, DEFINITELY")
    (True, True)
    """
    s = unicodedata.normalize("NFKC", str(text)).replace("\u00a0", " ")
    s = s.replace("’", "'").replace("‘", "'").replace("`", "'").replace("“", '"').replace("”", '"')
    s = s.lower().replace("&", " and ").replace("'", "")
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return s.strip()


def count(n: int, noun: str, plural: str | None = None) -> str:
    """A count and its noun, singular or plural to agree, with thousands separators.

    >>> count(1, "team"), count(0, "team"), count(12345, "blank row"), count(2, "local authority", "local authorities")
    ('1 team', '0 teams', '12,345 blank rows', '2 local authorities')
    """
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
