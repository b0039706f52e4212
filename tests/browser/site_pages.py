"""Every page of the forum, for the accessibility check (tests/browser/test_accessibility.py): a small forum
in which each page has something to show (a report case with a note, a held post, a featured topic, a
pending proposal, a scheduled topic, a deleted spammer, a week of stats …), and for each named URL pattern
of the URLconf either the addresses to check and who opens them, or why it is not a page.

tests/browser/test_accessibility.py fails when a named URL pattern is in neither list, so a new page is
checked from the day it is added (or its exclusion is written down with a reason)."""
from dataclasses import dataclass, field
from types import SimpleNamespace

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from boards import services as board_services
from members.models import PromotionProposal, Rank, User
from moderation import services as moderation_services
from notices.emails import unsubscribe_token
from notices.models import Notice
from notices.selectors import NOTICE_ORDER
from standing.selectors import SORTS
from stats.rollup import rollup_range
from tests.factories import BoardFactory, UserFactory, make_board_moderator, make_post, make_topic, rank_at
from tests.helpers import schedule
from tests.stats.helpers import days_ago

VISITOR, MEMBER, ADMIN = "visitor", "member", "admin"
ROLES = (VISITOR, MEMBER, ADMIN)
EVERYONE = frozenset(ROLES)
SIGNED_IN = frozenset({MEMBER, ADMIN})
ONLY_VISITOR, ONLY_MEMBER, ONLY_ADMIN = frozenset({VISITOR}), frozenset({MEMBER}), frozenset({ADMIN})

# who each role is (log in with tests.helpers.PASSWORD)
USERNAMES = {MEMBER: "alice", ADMIN: "keeper"}


def build_forum() -> SimpleNamespace:
    """A small forum where every page has content to show. Deterministic; about a second to build."""
    rank_at(3)  # the default ladder, if a test before flushed it
    # an admin's pale badge colour: white text on it would fail; site.js turns it black
    Rank.objects.filter(order=3).update(badge_colour="#f7c948")
    keeper = UserFactory(username="keeper", is_staff=True, is_superuser=True)
    alice = UserFactory(username="alice", rank=rank_at(2))  # Regular: the green badge
    bob = UserFactory(username="bob", rank=rank_at(3))  # Veteran
    carol = UserFactory(username="carol", rank=rank_at(4))  # Moderator rank
    newbie = UserFactory(username="newbie", rank=rank_at(0))  # first posts wait for approval
    unconfirmed = UserFactory(username="unconfirmed", email_verified=False)
    spammer = UserFactory(username="cheapflour", rank=rank_at(0))

    sourdough = BoardFactory(name="Sourdough", slug="sourdough", description="Starters, levain and long proofs.",
                             rules="1. Be kind.\n2. No selling.")
    pastry = BoardFactory(name="Pastry", slug="pastry", description="Laminated dough and everything sweet.")
    BoardFactory(name="Tea", slug="tea", description="What to drink while the dough rises.")  # a quiet board
    for board in (sourdough, pastry):
        board_services.board_render_rules(board=board)
    breadmod = make_board_moderator(sourdough, "breadmod")

    topic = make_topic(board=sourdough, author=alice, title="My starter is sluggish",
                       body="It doubles in 12 hours, not 6. **Too cold?**\n\n- rye flour\n- warm water\n\n> a quote")
    reply = make_post(topic=topic, author=bob, body="Try a warmer spot, about 26 °C. @alice")
    make_post(topic=topic, author=carol, body="Feed it twice a day for a week, then judge.", reply_to=reply)
    board_services.post_like(member=bob, post=topic.first_post)
    board_services.post_edit(post=reply, editor=bob, body="Try a warmer spot, about 26 °C (the top of the fridge).")
    hidden = make_post(topic=topic, author=carol, body="Off-topic aside about ovens.")
    board_services.post_hide(post=hidden, actor=keeper, reason="Off-topic")
    held = make_post(topic=topic, author=newbie, body="Mine too! Same flour here.")  # waits for approval

    featured = make_topic(board=sourdough, author=bob, title="A rye starter in seven days",
                          body="Day one: equal weights of rye flour and water.", replies=1)
    board_services.topic_feature(topic=featured, actor=keeper, level=2)
    pinned = make_topic(board=pastry, author=carol, title="Read this first: croissant basics",
                        body="Cold butter, cold dough, patience.")
    board_services.topic_set_flag(topic=pinned, actor=keeper, verb="pin")
    make_topic(board=pastry, author=alice, title="Kouign-amann tips?", body="How much sugar in the last folds?")

    spam_topic = make_topic(board=pastry, author=spammer, title="Cheap flour here", body="Best prices on flour.")
    spam_post = make_post(topic=featured, author=spammer, body="Buy cheap flour at my shop.")
    moderation_services.spammer_delete(actor=keeper, member=spammer, reason="Spam")

    case = moderation_services.report_create(reporter=alice, kind="post", reason="abuse", post=reply,
                                             note="Rude about my starter.").case
    moderation_services.report_create(reporter=carol, kind="post", reason="off_topic", post=reply)
    moderation_services.case_claim(case=case, actor=keeper)
    moderation_services.case_add_note(case=case, actor=keeper, text="Asked bob to soften the tone.")
    moderation_services.report_create(reporter=alice, kind="member", reason="spam", member=newbie,
                                      note="Posts the same thing everywhere.")

    PromotionProposal.objects.create(member=carol, board=pastry, numbers={
        "posts_in_board": 12, "posts_everywhere": 15, "share": 0.8, "days_visited": 71, "likes_received": 55,
        "accurate_reports": 3, "account_days": 200})
    scheduled = schedule(keeper, sourdough, title="Weekend bake-along", body="Who is baking this weekend?")
    rollup_range(days_ago(7), days_ago(1))

    return SimpleNamespace(
        keeper=keeper, alice=alice, bob=bob, carol=carol, newbie=newbie, unconfirmed=unconfirmed, spammer=spammer,
        breadmod=breadmod, sourdough=sourdough, pastry=pastry, topic=topic, reply=reply, held=held,
        featured=featured, pinned=pinned, spam_topic=spam_topic, spam_post=spam_post, case=case,
        scheduled=scheduled, alice_post=topic.first_post,
    )


# ---------------------------------------------------------------- the pages


@dataclass(frozen=True)
class Page:
    """One address to check, and the roles that open it (each in its own logged-in browser context)."""

    url: object  # a function of the forum from build_forum() to a path
    roles: frozenset = EVERYONE
    status: int = 200
    note: str = ""


def _r(name, **kwargs):
    return lambda forum: reverse(name, kwargs={k: (v(forum) if callable(v) else v) for k, v in kwargs.items()})


def _topic(forum):
    return forum.topic.pk


def _reset_key_url(forum):
    user = forum.unconfirmed
    return reverse("account_reset_password_from_key",
                   kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)})


def _members_newer_than_the_first(forum):
    """The members list read by key, past its first page: the members who joined after the first, with the
    Next link to the rest (the pagination's nav; the list is shorter than a page)."""
    first, joined = User.objects.filter(is_active=True).order_by("date_joined", "id").first(), SORTS["joined"]
    return reverse("standing:member_list") + f"?sort=joined&before={joined.encode(joined.key_of(first))}"


def _notices_newer_than_the_first(forum):
    """keeper's notifications newer than his first, with the Older link to it."""
    first = Notice.objects.filter(recipient=forum.keeper).order_by("created_at", "id").first()
    return reverse("notices:notice_list") + f"?newer={NOTICE_ORDER.encode(NOTICE_ORDER.key_of(first))}"


def _confirm_email_url(forum):
    address = EmailAddress.objects.get(user=forum.unconfirmed)
    return reverse("account_confirm_email", kwargs={"key": EmailConfirmationHMAC(address).key})


PAGES: dict[str, list[Page]] = {
    # boards
    "boards:board_index": [Page(_r("boards:board_index"))],
    "boards:board_detail": [Page(_r("boards:board_detail", slug="sourdough")),
                            Page(lambda f: reverse("boards:board_detail", kwargs={"slug": "pastry"}) + "?sort=new",
                                 roles=ONLY_VISITOR)],
    "boards:featured": [Page(_r("boards:featured"))],
    "boards:topic_detail": [Page(lambda f: f.topic.get_absolute_url()),
                            Page(lambda f: f.featured.get_absolute_url(), roles=ONLY_ADMIN)],
    "boards:topic_create": [Page(_r("boards:topic_create", slug="sourdough"), roles=SIGNED_IN)],
    "boards:post_create": [Page(_r("boards:post_create", topic_id=_topic), roles=SIGNED_IN)],
    "boards:post_edit": [Page(_r("boards:post_edit", post_id=lambda f: f.alice_post.pk), roles=SIGNED_IN)],
    "boards:post_revisions": [Page(_r("boards:post_revisions", post_id=lambda f: f.reply.pk),
                                   roles=ONLY_ADMIN)],
    "boards:freshness": [Page(_r("boards:freshness"), roles=ONLY_ADMIN)],
    "boards:board_move_topics": [Page(_r("boards:board_move_topics", board_id=lambda f: f.pastry.pk),
                                      roles=ONLY_ADMIN)],
    "boards:scheduled_list": [Page(_r("boards:scheduled_list"), roles=ONLY_ADMIN)],
    "boards:scheduled_create": [Page(_r("boards:scheduled_create"), roles=ONLY_ADMIN)],
    "boards:scheduled_edit": [Page(_r("boards:scheduled_edit", item_id=lambda f: f.scheduled.pk),
                                   roles=ONLY_ADMIN)],
    # members
    "members:preferences": [Page(_r("members:preferences"), roles=SIGNED_IN)],
    "members:signup": [Page(_r("members:signup"), roles=ONLY_VISITOR)],
    "members:invites": [Page(_r("members:invites"), roles=SIGNED_IN)],
    # notices and notifications
    "notices:notice_list": [Page(_r("notices:notice_list"), roles=SIGNED_IN),
                            Page(_notices_newer_than_the_first, roles=ONLY_ADMIN)],
    "notices:unsubscribe": [Page(lambda f: reverse("notices:unsubscribe",
                                                   kwargs={"token": unsubscribe_token(f.alice.pk, "reply")}),
                                 roles=ONLY_VISITOR)],
    "notifications:settings": [Page(_r("notifications:settings"), roles=SIGNED_IN)],
    # standing
    "standing:profile": [Page(_r("standing:profile", username="alice")),
                         Page(_r("standing:profile", username="carol"), roles=ONLY_ADMIN)],
    "standing:member_standing": [Page(_r("standing:member_standing", username="bob"), roles=ONLY_ADMIN)],
    "standing:member_list": [Page(_r("standing:member_list")),
                             Page(lambda f: reverse("standing:member_list") + "?sort=rank", roles=ONLY_VISITOR),
                             Page(_members_newer_than_the_first, roles=ONLY_MEMBER)],
    "standing:standing": [Page(_r("standing:standing"), roles=SIGNED_IN)],
    "standing:promotions": [Page(_r("standing:promotions"), roles=ONLY_ADMIN)],
    # search
    "search:search": [Page(lambda f: reverse("search:search") + "?q=starter"),
                      Page(lambda f: reverse("search:search") + "?q=nothing+matches+this", roles=ONLY_VISITOR),
                      Page(_r("search:search"), roles=ONLY_MEMBER)],
    # stats
    "stats:forum_stats": [Page(_r("stats:forum_stats"), roles=ONLY_ADMIN)],
    "stats:board_stats": [Page(_r("stats:board_stats", slug="sourdough"), roles=ONLY_ADMIN)],
    # moderation
    "moderation:queue": [Page(_r("moderation:queue"), roles=ONLY_ADMIN)],
    "moderation:approvals": [Page(_r("moderation:approvals"), roles=ONLY_ADMIN)],
    "moderation:case_detail": [Page(_r("moderation:case_detail", case_id=lambda f: f.case.pk),
                                    roles=ONLY_ADMIN)],
    "moderation:log": [Page(_r("moderation:log"), roles=ONLY_ADMIN)],
    "moderation:spammers": [Page(_r("moderation:spammers"), roles=ONLY_ADMIN)],
    "moderation:topic_manage": [Page(_r("moderation:topic_manage", topic_id=_topic), roles=ONLY_ADMIN)],
    "moderation:report": [Page(_r("moderation:report", kind="post", object_id=lambda f: str(f.reply.pk)),
                               roles=ONLY_MEMBER),
                          Page(_r("moderation:report", kind="member", object_id="bob"), roles=ONLY_MEMBER)],
    "moderation:my_reports": [Page(_r("moderation:my_reports"), roles=ONLY_MEMBER)],
    # allauth: accounts
    "account_login": [Page(_r("account_login"), roles=ONLY_VISITOR)],
    "account_logout": [Page(_r("account_logout"), roles=ONLY_MEMBER)],
    "account_inactive": [Page(_r("account_inactive"), roles=ONLY_VISITOR)],
    "account_signup": [],  # the same path as members:signup, which wins (checked there)
    "account_reauthenticate": [Page(_r("account_reauthenticate"), roles=ONLY_MEMBER)],
    "account_request_reauthentication_code": [Page(_r("account_request_reauthentication_code"),
                                                   roles=ONLY_MEMBER)],
    "account_email": [Page(_r("account_email"), roles=ONLY_MEMBER)],
    "account_email_verification_sent": [Page(_r("account_email_verification_sent"), roles=ONLY_VISITOR)],
    "account_change_password": [Page(_r("account_change_password"), roles=ONLY_MEMBER)],
    "account_reset_password": [Page(_r("account_reset_password"), roles=ONLY_VISITOR)],
    "account_reset_password_done": [Page(_r("account_reset_password_done"), roles=ONLY_VISITOR)],
    "account_reset_password_from_key": [Page(_reset_key_url, roles=ONLY_VISITOR)],
    "account_reset_password_from_key_done": [Page(_r("account_reset_password_from_key_done"),
                                                  roles=ONLY_VISITOR)],
    "account_confirm_email": [Page(_confirm_email_url, roles=ONLY_VISITOR)],
    # allauth: two-factor authentication (the member's TOTP pages after the member has turned it on: see
    # test_accessibility.MFA_PAGES)
    "mfa_index": [Page(_r("mfa_index"), roles=ONLY_MEMBER)],
    "mfa_activate_totp": [Page(_r("mfa_activate_totp"), roles=ONLY_MEMBER)],
    # Django's admin: the index as a sample (the rest of the namespace: NOT_CHECKED_NAMESPACES)
    "admin:index": [Page(_r("admin:index"), roles=ONLY_ADMIN)],
}

# Pages that are no named URL pattern of their own: the error pages, reached for real where a request can
# reach them (the 429, 500 and 503 pages are rendered by the test, see test_accessibility.RENDERED).
ERROR_PAGES: dict[str, list[Page]] = {
    "404": [Page(lambda f: "/b/no-such-board/", status=404),
            Page(lambda f: f.spam_topic.get_absolute_url(), roles=ONLY_MEMBER, status=404)],
    "403": [Page(_r("moderation:queue"), roles=ONLY_MEMBER, status=403),
            Page(_r("standing:member_standing", username="bob"), roles=ONLY_MEMBER, status=403)],
}


@dataclass(frozen=True)
class NotAPage:
    """Why a named URL pattern is not checked, and how the coverage test confirms it: a GET by `role` to
    `url` answers `status` (405: the view takes POST only; 302: it only redirects; 200 with a content type
    that is not HTML; 404: the feature is off)."""

    reason: str
    url: object = None
    status: int | None = None
    role: str = ADMIN
    content_type: str = ""
    extra: dict = field(default_factory=dict)


POST_ONLY = "takes POST only: a form's action, its result shown on the page the form is on"
NOT_HTML = "not an HTML page"

NOT_PAGES: dict[str, NotAPage] = {
    "moderation:case_act": NotAPage(POST_ONLY, _r("moderation:case_act", case_id=lambda f: f.case.pk), 405),
    "moderation:bulk_act": NotAPage(POST_ONLY, _r("moderation:bulk_act"), 405),
    "moderation:spammer_undo": NotAPage(POST_ONLY, _r("moderation:spammer_undo", removal_id=1), 405),
    "moderation:spammer_delete": NotAPage(POST_ONLY, _r("moderation:spammer_delete", member_id=lambda f: f.bob.pk),
                                          405),
    "moderation:act_on": NotAPage(POST_ONLY, _r("moderation:act_on", kind="post", object_id=lambda f: f.reply.pk),
                                  405),
    "moderation:post_approve": NotAPage(POST_ONLY, _r("moderation:post_approve", post_id=lambda f: f.held.pk), 405),
    "notifications:watch_topic": NotAPage(POST_ONLY, _r("notifications:watch_topic", topic_id=_topic), 405),
    "notifications:watch_board": NotAPage(POST_ONLY, _r("notifications:watch_board", slug="sourdough"), 405),
    "notifications:mute_member": NotAPage(POST_ONLY, _r("notifications:mute_member", username="bob"), 405),
    "boards:post_like": NotAPage(POST_ONLY, _r("boards:post_like", post_id=lambda f: f.reply.pk), 405),
    "boards:board_snooze": NotAPage(POST_ONLY, _r("boards:board_snooze", board_id=lambda f: f.pastry.pk), 405),
    "boards:scheduled_delete": NotAPage(POST_ONLY, _r("boards:scheduled_delete", item_id=lambda f: f.scheduled.pk),
                                        405),
    "notices:notices_read": NotAPage(POST_ONLY, _r("notices:notices_read"), 405),
    "notices:notice_read": NotAPage(POST_ONLY, _r("notices:notice_read", notice_id="1"), 405),
    "standing:proposal_decide": NotAPage(POST_ONLY, _r("standing:proposal_decide", proposal_id=1), 405),
    "standing:member_moderation": NotAPage(POST_ONLY, _r("standing:member_moderation", username="bob"), 405),
    "set_language": NotAPage("the footer's language form posts here; a GET only sends the visitor back",
                             _r("set_language"), 302),
    "boards:topic_redirect": NotAPage("only redirects to the topic's address with its slug",
                                      _r("boards:topic_redirect", topic_id=_topic), 301),
    "boards:post_redirect": NotAPage("only redirects to the post in its page",
                                     _r("boards:post_redirect", post_id=lambda f: f.reply.pk), 302),
    "boards:topic_unread": NotAPage("only redirects to the first unread post",
                                    _r("boards:topic_unread", topic_id=_topic), 302),
    "account_set_password": NotAPage("for accounts without a password (none here: no social login); an account "
                                     "with one is sent on to the password change", _r("account_set_password"), 302,
                                     role=MEMBER),
    "mfa_authenticate": NotAPage("the second step of logging in: checked in test_accessibility (a member with "
                                 "TOTP logs in); without a login under way it redirects", _r("mfa_authenticate"),
                                 302, role=VISITOR),
    "mfa_reauthenticate": NotAPage("checked in test_accessibility once the member has turned TOTP on; without "
                                   "it, it redirects", _r("mfa_reauthenticate"), 302, role=MEMBER),
    "mfa_deactivate_totp": NotAPage("checked in test_accessibility once the member has turned TOTP on; without "
                                    "it, not found", _r("mfa_deactivate_totp"), 404, role=MEMBER),
    "mfa_view_recovery_codes": NotAPage("checked in test_accessibility once the member has turned TOTP on; "
                                        "without it, not found", _r("mfa_view_recovery_codes"), 404, role=MEMBER),
    "mfa_generate_recovery_codes": NotAPage("checked in test_accessibility once the member has turned TOTP on; "
                                            "without it, refused", _r("mfa_generate_recovery_codes"), 302,
                                            role=MEMBER),
    "mfa_download_recovery_codes": NotAPage(NOT_HTML + ": the recovery codes as a text file",
                                            _r("mfa_download_recovery_codes"), 404, role=MEMBER),
    "account_confirm_reauthentication_code": NotAPage(
        "checked in test_accessibility after the member asks for a code; without one under way it redirects",
        _r("account_confirm_reauthentication_code"), 302, role=MEMBER),
    "account_confirm_login_code": NotAPage(
        "login and reauthentication by emailed code are off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
        _r("account_confirm_login_code"), 302, role=VISITOR),
    "boards:feed_latest": NotAPage(NOT_HTML + ": an RSS feed", _r("boards:feed_latest"), 200,
                                   content_type="application/rss+xml"),
    "boards:feed_latest_atom": NotAPage(NOT_HTML + ": an Atom feed", _r("boards:feed_latest_atom"), 200,
                                        content_type="application/atom+xml"),
    "boards:feed_board": NotAPage(NOT_HTML + ": an RSS feed", _r("boards:feed_board", slug="sourdough"), 200,
                                  content_type="application/rss+xml"),
    "boards:feed_board_atom": NotAPage(NOT_HTML + ": an Atom feed", _r("boards:feed_board_atom", slug="sourdough"),
                                       200, content_type="application/atom+xml"),
    "boards:feed_topic": NotAPage(NOT_HTML + ": an RSS feed", _r("boards:feed_topic", topic_id=_topic), 200,
                                  content_type="application/rss+xml"),
    "boards:feed_topic_atom": NotAPage(NOT_HTML + ": an Atom feed", _r("boards:feed_topic_atom", topic_id=_topic),
                                       200, content_type="application/atom+xml"),
    "boards:sitemap": NotAPage(NOT_HTML + ": the sitemap index", _r("boards:sitemap"), 200,
                               content_type="application/xml"),
    "boards:sitemap_section": NotAPage(NOT_HTML + ": a sitemap", _r("boards:sitemap_section", section="boards"),
                                       200, content_type="application/xml"),
    "stats:forum_stats_csv": NotAPage(NOT_HTML + ": a CSV download", _r("stats:forum_stats_csv", table="boards"),
                                      200, content_type="text/csv"),
    "stats:board_stats_csv": NotAPage(NOT_HTML + ": a CSV download",
                                      _r("stats:board_stats_csv", slug="sourdough", table="daily"), 200,
                                      content_type="text/csv"),
    "healthz": NotAPage(NOT_HTML + ": the health check's JSON", _r("healthz"), 200, content_type="application/json"),
    "robots_txt": NotAPage(NOT_HTML + ": robots.txt", _r("robots_txt"), 200, content_type="text/plain"),
}

# Django's own admin site: its templates and stylesheet are Django's, not the forum's. Its index is checked
# as a sample (PAGES["admin:index"]); the rest of the namespace is left out here.
NOT_CHECKED_NAMESPACES = {"admin": "Django's admin site (Django's templates and stylesheet)"}


def named_patterns() -> list[str]:
    """Every named URL pattern of the URLconf, namespaced ("boards:topic_detail")."""
    names = []

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "")
    return names


def not_yet_classified() -> list[str]:
    return sorted(name for name in set(named_patterns())
                  if name not in PAGES and name not in NOT_PAGES
                  and name.split(":", 1)[0] not in NOT_CHECKED_NAMESPACES)


def pages_for(role: str, forum) -> list[tuple[str, str, Page]]:
    """(name, path, page) for each page `role` opens, in the catalogue's order."""
    found = []
    for catalogue in (PAGES, ERROR_PAGES):
        for name, pages in catalogue.items():
            for page in pages:
                if role in page.roles:
                    found.append((name, page.url(forum), page))
    return found
