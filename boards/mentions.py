"""@name mentions: found in a post's rendered HTML (never inside code, a quote or a link), linked to the
member's profile when such a member exists, at most `limit` per post (the rest stay plain text, and the
writer is told). The links carry the member's id, so the notifications read them back from the HTML."""
import html
import re
from dataclasses import dataclass, field

from forum import links
from members.models import User

_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
_MENTION = re.compile(r"(?<![\w@./&#])@([\w][\w.+-]{0,149})")
_SKIP = {"a", "code", "pre", "blockquote"}
MENTION_ID = re.compile(r'<a class="mention" href="[^"]*" data-member="(\d+)">')


@dataclass
class Mentions:
    html: str
    member_ids: list[int] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # names past the limit, left as plain text


def _candidates(segments: list[str]) -> list[str]:
    names, depth = [], 0
    for segment in segments:
        if segment.startswith("<"):
            depth = _depth(segment, depth)
        elif depth == 0:
            names += [name.rstrip(".") for name in _MENTION.findall(html.unescape(segment))]
    return list(dict.fromkeys(names))


def _depth(tag: str, depth: int) -> int:
    match = _TAG_NAME.match(tag)
    if match and match.group(2).lower() in _SKIP and not tag.endswith("/>"):
        return depth - 1 if match.group(1) else depth + 1
    return depth


def link_mentions(body_html: str, *, limit: int) -> Mentions:
    """Link the first `limit` mentions of existing members; one query for the names found."""
    segments = _TAG.split(body_html)
    names = _candidates(segments)
    if not names:
        return Mentions(html=body_html)
    found = {u.username.lower(): u for u in User.objects.filter(username__in=names[:200], is_active=True)
             .only("id", "username")}
    known = [name for name in names if name.lower() in found]
    linked = {name.lower() for name in known[:limit]}
    dropped = known[limit:]

    def replace(match: re.Match) -> str:
        name = match.group(1).rstrip(".")
        member = found.get(name.lower()) if name.lower() in linked else None
        if member is None:
            return match.group(0)
        tail = match.group(1)[len(name):]
        return (f'<a class="mention" href="{html.escape(links.member_url(member.username))}" '
                f'data-member="{member.pk}">@{html.escape(member.username)}</a>{tail}')

    out, depth = [], 0
    for segment in segments:
        if segment.startswith("<"):
            depth = _depth(segment, depth)
            out.append(segment)
        elif depth == 0 and "@" in segment:
            out.append(_MENTION.sub(replace, segment))
        else:
            out.append(segment)
    ids = [found[name.lower()].pk for name in known[:limit]]
    return Mentions(html="".join(out), member_ids=ids, dropped=dropped)


def mentioned_ids(body_html: str) -> list[int]:
    return [int(i) for i in dict.fromkeys(MENTION_ID.findall(body_html))]
