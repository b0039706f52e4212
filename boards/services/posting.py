"""Starting topics, replying and editing: each one transaction that keeps every counter exact."""
import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from boards import permissions, selectors, signals
from boards.markup import render_markdown
from boards.mentions import Mentions, link_mentions
from boards.models import AllowedLinkDomain, Board, Post, PostRevision, Topic
from boards.services.counters import (
    count_new_post,
    count_reply_received,
    count_topic_onto_board,
    recount_board_last_post,
    recount_featured,
    recount_last_posts,
)
from forum import ratelimit
from members.models import SignupRecord, User
from members.ranks import effective_rank
from wordfilter.services import Screened, held_terms_in, screen

logger = logging.getLogger(__name__)

RESERVED_SLUGS = {"reply", "unread", "manage", "watch"}  # words the topic URLs use after /t/<id>/


def make_slug(title: str) -> str:
    """A readable slug for any title, Chinese included; never empty, never a reserved word."""
    slug = slugify(title, allow_unicode=True)[:150].strip("-") or "topic"
    return f"{slug}-topic" if slug in RESERVED_SLUGS else slug


def validate_title(title: str) -> str:
    title = " ".join((title or "").split())
    limit = settings.HEARTH["TITLE_MAX_CHARS"]
    if not title:
        raise ValidationError({"title": _("Give the topic a title.")})
    if len(title) > limit:
        raise ValidationError({"title": _("Keep the title under %(limit)d characters.") % {"limit": limit}})
    return title


def validate_body(body: str) -> str:
    body = selectors.normalize_body(body)
    limit = settings.HEARTH["BODY_MAX_CHARS"]
    if not body:
        raise ValidationError({"body": _("Write something before posting.")})
    if len(body) > limit:
        raise ValidationError({"body": _("Posts can be at most %(limit)d characters; this one has %(count)d.")
                               % {"limit": limit, "count": len(body)}})
    return body


def check_posting_rate(author: User, scope: str) -> None:
    """The site's posting limit ("post" or "topic"), lowered by the member's rank (Newcomers post less
    often). Spent only by a post that is really written, not by a double submit."""
    count, period = settings.HEARTH[f"{scope.upper()}_RATE"]
    rank = effective_rank(author)
    if rank is not None and period == 60:
        count = min(count, rank.posts_per_minute)
    if not ratelimit.hit(scope, author.pk, limit=count, period=period):
        raise ValidationError(_("You are starting topics too quickly. Wait a minute and try again.") if scope == "topic"
                              else _("You are posting too quickly. Wait a minute and try again."))


def _link_mentions(*, author: User, body_html: str) -> Mentions:
    """Mentions in the post: at most MENTIONS_PER_POST notify (fewer for Newcomers); the rest stay text."""
    rank = effective_rank(author)
    newcomer = rank is not None and rank.order == 0
    limit = settings.HEARTH["NEWCOMER_MENTIONS_PER_POST" if newcomer else "MENTIONS_PER_POST"]
    return link_mentions(body_html, limit=limit)


def _filter_words(*, author: User, board: Board, **texts: str) -> Screened:
    """The word filter over the title and body: "block" raises, "replace" comes back replaced, "hold" is
    named (moderators of the board and members at the admin's exempt rank are not held)."""
    rank = effective_rank(author)
    return screen(texts, rank_order=None if rank is None else rank.order,
                  may_skip_hold=permissions.can_moderate(author, board))


def _check_rank_limits(*, author: User, board: Board, body_html: str):
    """The author's rank decides how many links and images a post may carry, and whether it waits
    for a moderator. Returns (rank, held)."""
    rank = effective_rank(author)
    if rank is None or permissions.can_moderate(author, board):
        return rank, False
    links_count, images = body_html.count("<a "), body_html.count("<img ")
    if rank.max_links is not None and links_count > rank.max_links:
        raise ValidationError({"body": ngettext(
            "As a %(rank)s you can include at most %(n)d link in a post.",
            "As a %(rank)s you can include at most %(n)d links in a post.", rank.max_links)
            % {"rank": rank.name, "n": rank.max_links}})
    if rank.max_images is not None and images > rank.max_images:
        raise ValidationError({"body": ngettext(
            "As a %(rank)s you can include at most %(n)d image in a post.",
            "As a %(rank)s you can include at most %(n)d images in a post.", rank.max_images)
            % {"rank": rank.name, "n": rank.max_images}})
    held = author.approved_posts < rank.approval_posts or _held_for_review(author)
    return rank, held or (rank.order == 0 and _repeats_outside_domain(author, body_html))


def _held_for_review(author: User) -> bool:
    """An account whose address is close to a banned member's: posts wait until a moderator approved one."""
    return author.approved_posts == 0 and SignupRecord.objects.filter(member=author).exclude(held_reason="").exists()


HREF_RE = re.compile(r'<a [^>]*href="(https?://[^"]+)"', re.I)


def _outside_domains(body_html: str) -> set[str]:
    """The outside domains a rendered post links to: not the site's own, nor the admin's allow-list."""
    own = urlsplit(settings.HEARTH["SITE_URL"]).hostname or ""
    domains = {(urlsplit(href).hostname or "").lower().removeprefix("www.") for href in HREF_RE.findall(body_html)}
    domains -= {"", own.lower().removeprefix("www.")}
    if domains:
        domains -= set(AllowedLinkDomain.objects.filter(domain__in=domains).values_list("domain", flat=True))
    return domains


def _repeats_outside_domain(author: User, body_html: str) -> bool:
    """A Newcomer whose posts already linked one of this post's outside domains NEWCOMER_DOMAIN_LINKS
    times: the post waits for a moderator."""
    domains = _outside_domains(body_html)
    if not domains:
        return False
    limit = settings.HEARTH["NEWCOMER_DOMAIN_LINKS"]
    earlier = Post.objects.filter(author=author, body_html__contains="href=").values_list("body_html", flat=True)
    counts = dict.fromkeys(domains, 0)
    for html in earlier.iterator():
        for domain in _outside_domains(html) & domains:
            counts[domain] += 1
    return any(count >= limit for count in counts.values())


def check_new_account_limits(author: User, *, body: str, new_topic: bool) -> None:
    """On top of the rank's limits: a member's first day allows FIRST_DAY_TOPICS topics and
    FIRST_DAY_REPLIES replies, and nobody posts the same body twice within SAME_BODY_MINUTES (a double
    submit, caught earlier, returns the first post instead)."""
    hearth = settings.HEARTH
    now = timezone.now()
    if Post.objects.filter(author=author, body=body,
                           created_at__gte=now - timedelta(minutes=hearth["SAME_BODY_MINUTES"])).exists():
        raise ValidationError({"body": _("You posted exactly this a few minutes ago. Say something new, or "
                                         "link to your earlier post.")})
    if author.date_joined is None or author.date_joined < now - timedelta(days=1) or author.is_superuser \
            or author.is_global_moderator or author.is_board_moderator:
        return
    posts = Post.objects.filter(author=author, created_at__gte=author.date_joined)
    if new_topic:
        limit = hearth["FIRST_DAY_TOPICS"]
        if posts.filter(position=1).count() >= limit:
            raise ValidationError(ngettext(
                "On your first day you can start %(n)d topic. Come back tomorrow for more.",
                "On your first day you can start %(n)d topics. Come back tomorrow for more.", limit) % {"n": limit})
    else:
        limit = hearth["FIRST_DAY_REPLIES"]
        if posts.filter(position__gt=1).count() >= limit:
            raise ValidationError(ngettext(
                "On your first day you can write %(n)d reply. Come back tomorrow for more.",
                "On your first day you can write %(n)d replies. Come back tomorrow for more.", limit) % {"n": limit})


def lock_topic(topic_id: int, *related: str) -> Topic:
    """Lock a topic's row, then read it with `related` loaded. The row is locked alone: a SELECT … FOR
    UPDATE joined to the board loses the row (DoesNotExist) when a move changes the topic's board while
    it waits, since PostgreSQL re-checks the join against the board row it read before waiting."""
    Topic.objects.select_for_update().filter(pk=topic_id).values_list("pk", flat=True).get()
    return Topic.objects.select_related(*related).get(pk=topic_id)


@transaction.atomic
def topic_create(*, board: Board, author: User, title: str, body: str, dedupe: bool = True,
                 rate_limit: bool = False) -> Topic:
    """Start a topic. With `dedupe`, the same topic sent twice within seconds (a double submit) is
    created once; scheduled publishing turns that off, since two drafts may be alike on purpose. With
    `rate_limit` (a member at the keyboard), the posting rate is checked after the double-submit check."""
    title = validate_title(title)
    body = validate_body(body)
    board = Board.objects.select_for_update().get(pk=board.pk)
    permissions.check_start_topic(author, board)
    screened = _filter_words(author=author, board=board, title=title, body=body)
    title, body = screened.texts["title"], screened.texts["body"]
    body_html = render_markdown(body)

    if dedupe:
        duplicate = selectors.recent_duplicate_topic(board=board, author=author, title=title, body=body)
        if duplicate is not None:
            return duplicate
    if rate_limit:
        check_new_account_limits(author, body=body, new_topic=True)
        check_posting_rate(author, "topic")
    _rank, held = _check_rank_limits(author=author, board=board, body_html=body_html)
    held = held or screened.held
    mentions = _link_mentions(author=author, body_html=body_html)
    body_html = mentions.html

    now = timezone.now()
    # A held topic stays off the board (hidden, and not counted) until a moderator approves it.
    topic = Topic.objects.create(board=board, author=author, title=title, slug=make_slug(title),
                                 created_at=now, last_post_at=now, post_count=1, is_hidden=held)
    post = Post.objects.create(topic=topic, author=author, position=1, body=body, body_html=body_html,
                               created_at=now, is_awaiting_approval=held)
    # a held first post is not the topic's last post until it is approved
    Topic.objects.filter(pk=topic.pk).update(first_post=post, last_post=None if held else post)
    topic.first_post, topic.last_post = post, None if held else post
    count_new_post(board_id=None if held else board.pk, post=post, new_topic=True)
    post.topic = topic
    signals.post_created.send(sender=Post, post=post)
    if held:
        signals.post_held.send(sender=Post, post=post, reason=screened.hold_reason if screened.held else "")
    else:
        signals.post_published.send(sender=Post, post=post, created=True)
    topic.mentions_dropped = mentions.dropped
    logger.info("topic created", extra={"topic_id": topic.pk, "by": author.pk})
    return topic


@transaction.atomic
def post_create(*, topic: Topic, author: User, body: str, reply_to: Post | None = None,
                rate_limit: bool = False) -> Post:
    body = validate_body(body)
    # Lock the topic: positions are handed out in order and the duplicate check sees every commit.
    topic = lock_topic(topic.pk, "board")
    # then its board, before any other row: every writer takes the board before the members' and counters'
    # rows, so two replies in one board queue here instead of deadlocking over the board's counters later
    Board.objects.select_for_update().filter(pk=topic.board_id).values_list("pk", flat=True).get()
    permissions.check_reply(author, topic)
    screened = _filter_words(author=author, board=topic.board, body=body)
    body = screened.texts["body"]
    body_html = render_markdown(body)
    if reply_to is not None and reply_to.topic_id != topic.pk:
        raise ValidationError({"reply_to": _("You can only reply to a post in this topic.")})

    duplicate = selectors.recent_duplicate_post(topic=topic, author=author, body=body)
    if duplicate is not None:
        return duplicate
    if rate_limit:
        check_new_account_limits(author, body=body, new_topic=False)
        check_posting_rate(author, "post")
    _rank, held = _check_rank_limits(author=author, board=topic.board, body_html=body_html)
    held = held or screened.held
    mentions = _link_mentions(author=author, body_html=body_html)
    body_html = mentions.html

    now = timezone.now()
    # A held reply takes its place in the topic at once; others see a placeholder until it is approved.
    post = Post.objects.create(topic=topic, author=author, position=topic.post_count + 1, body=body,
                               body_html=body_html, reply_to=reply_to, created_at=now, is_awaiting_approval=held)
    signals.post_created.send(sender=Post, post=post)
    if held:
        signals.post_held.send(sender=Post, post=post, reason=screened.hold_reason if screened.held else "")
    else:
        count_reply_received(post=post, topic=topic, reply_to=reply_to)
    # a held reply is counted in its place, but is not the topic's last post until it is approved
    topic_changes = {"post_count": F("post_count") + 1, "version": F("version") + 1}
    if not held:
        topic_changes.update(last_post=post, last_post_at=now)
    Topic.objects.filter(pk=topic.pk).update(**topic_changes)
    # a hidden (or held) topic is not on its board's counts: approving or unhiding it counts it whole
    count_new_post(board_id=None if topic.is_hidden else topic.board_id, post=post, new_topic=False,
                   set_last=not held)
    if not held and not topic.is_hidden:
        signals.post_published.send(sender=Post, post=post, created=True)
    post.mentions_dropped = mentions.dropped
    logger.info("post created", extra={"post_id": post.pk, "topic_id": topic.pk, "by": author.pk})
    return post


@transaction.atomic
def post_edit(*, post: Post, editor: User, body: str, title: str | None = None) -> Post:
    body = validate_body(body)
    if title is not None:
        title = validate_title(title)
    # the post's row alone (a lock on its topic's row too would lose the post to a concurrent move)
    post = Post.objects.select_for_update(of=("self",)).select_related("topic__board", "author").get(pk=post.pk)
    permissions.check_edit(editor, post)
    topic = post.topic
    by_author = editor.pk == post.author_id
    # an edit goes through the word filter as a new post does; only the author's own edit can be held
    texts = {"body": body} if title is None or post.position != 1 else {"title": title, "body": body}
    screened = _filter_words(author=editor, board=topic.board, **texts)
    body, title = screened.texts["body"], screened.texts.get("title", title)
    hold_reason = ""
    changed = held_again = False
    before, title_before = post.body, topic.title
    if body != post.body:
        body_html = render_markdown(body)
        if by_author:  # an edit goes through the same rank limits as a new post
            _rank, held = _check_rank_limits(author=editor, board=topic.board, body_html=body_html)
            held_again = held and not post.is_awaiting_approval
    if by_author and screened.held and not post.is_awaiting_approval and (
            set(screened.held_terms) - held_terms_in(post.body, topic.title if post.position == 1 else "")):
        held_again, hold_reason = True, screened.hold_reason
    if body != post.body:
        body_html = _link_mentions(author=post.author, body_html=body_html).html
        PostRevision.objects.create(post=post, body=post.body, editor=editor)
        post.body, post.body_html = body, body_html
        post.edited_at = timezone.now()
        post.edit_count += 1
        fields = ["body", "body_html", "edited_at", "edit_count"]
        if not by_author:  # a moderator's edit stands: the author can no longer change it
            post.moderator_edited_at = post.edited_at
            fields.append("moderator_edited_at")
        post.save(update_fields=fields)
        changed = True
    if held_again:
        hold_again(post, reason=hold_reason)
    if title is not None and post.position == 1 and title != topic.title:
        topic.title = title
        topic.slug = make_slug(title)
        Topic.objects.filter(pk=topic.pk).update(title=title, slug=topic.slug)
        changed = True
    if changed:
        signals.post_edited.send(sender=Post, post=post, editor=editor, before=before, after=post.body,
                                 title_before=title_before, title_after=topic.title)
        Topic.objects.filter(pk=topic.pk).update(version=F("version") + 1)
        if post.position == 1:  # the title or the first post shows in the board's list
            Board.objects.filter(pk=topic.board_id).update(version=F("version") + 1)
        logger.info("post edited", extra={"post_id": post.pk, "by": editor.pk})
    return post


def hold_again(post: Post, reason: str = "") -> None:
    """A member still under their rank's approval count edited a published post: it waits for a moderator
    again. A first post takes its topic off the board until then, as a new held topic is."""
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    Post.objects.filter(pk=post.pk).update(is_awaiting_approval=True)
    post.is_awaiting_approval = True
    if post.position == 1 and not topic.is_hidden:
        Topic.objects.filter(pk=topic.pk).update(is_hidden=True, version=F("version") + 1)
        count_topic_onto_board(topic=topic, sign=-1)
        recount_board_last_post(topic.board_id)
        if topic.featured_level:
            recount_featured(topic.author_id)
    else:
        recount_last_posts(topic)
    signals.post_held.send(sender=Post, post=post, reason=reason)
    logger.info("post held again after an edit", extra={"post_id": post.pk})


def board_render_rules(*, board: Board) -> Board:
    board.rules_html = render_markdown(board.rules) if board.rules.strip() else ""
    return board
