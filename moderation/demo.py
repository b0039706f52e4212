"""The demo forum's open moderation work, so that a first run of `make run` shows a queue with something in
it: three open report cases (one with a moderator's notes, one claimed by a moderator) about posts members
wrote just now. Everything goes through the real services (posts, reports, claims, notes), so counters and
the log are what the live site would make. Connected to boards.signals.demo_seeded. Deterministic."""
from boards import services as board_services
from boards.models import Board, Topic
from members.models import User
from moderation.models import Case, Reason
from moderation.services import case_add_note, case_claim, report_create

RUDE_REPLY = "Honestly, if you can't keep flour and water alive, maybe baking isn't for you. Read a book first."
SHOP_REPLY = ("Keep your starter warm all winter with our heated proofing box: 40% off this week only at "
              "https://example.com/proofing-box-deal")
SALE_TOPIC = ("Selling my bread machine, barely used", "Two years old, all the parts, collection only. Message me!")


def add_demo_cases(sender=None, *, users, **kwargs) -> None:
    by_name = {u.username: u for u in User.objects.filter(pk__in=[u.pk for u in users])}  # as they are now
    moderator = by_name["mara"]  # she moderates the starters board (boards/demo.py)
    writers = list(User.objects.filter(username__startswith="baker", rank_order=1, is_superuser=False)
                   .order_by("pk")[:3])
    _case_claimed(moderator, writers[0], by_name)
    _case_with_notes(moderator, writers[1], by_name)
    _case_untouched(writers[2], by_name)


def _case_claimed(moderator: User, writer: User, by_name: dict) -> Case:
    """A rude reply to a beginner, reported twice; the board's moderator is on it."""
    topic = Topic.objects.get(title="My starter smells like nail polish remover: is it dead?")
    post = board_services.post_create(topic=topic, author=writer, body=RUDE_REPLY)
    report_create(reporter=by_name["priya"], kind=Case.Kind.POST, reason=Reason.ABUSE, post=post,
                  note="This was my question. Not nice.")
    report = report_create(reporter=by_name["carmen"], kind=Case.Kind.POST, reason=Reason.ABUSE, post=post)
    return case_claim(case=report.case, actor=moderator)


def _case_with_notes(moderator: User, writer: User, by_name: dict) -> Case:
    """An advertisement, reported as spam; the moderator left notes for whoever decides."""
    topic = Topic.objects.get(title="How cold is too cold for a starter?")
    post = board_services.post_create(topic=topic, author=writer, body=SHOP_REPLY)
    report_create(reporter=by_name["bao"], kind=Case.Kind.POST, reason=Reason.SPAM, post=post)
    report = report_create(reporter=by_name["李雷"], kind=Case.Kind.POST, reason=Reason.SPAM, post=post,
                           note="Same shop as the link in Show your bake last week.")
    case_add_note(case=report.case, actor=moderator,
                  text="Their other posts are fine baking questions: a first warning rather than a ban?")
    case_add_note(case=report.case, actor=moderator, text="The link goes to a real shop, not to malware.")
    return report.case


def _case_untouched(writer: User, by_name: dict) -> Case:
    """A topic selling something, against the board's rules; nobody has looked yet."""
    title, body = SALE_TOPIC
    topic = board_services.topic_create(board=Board.objects.get(slug="bread-techniques"), author=writer,
                                        title=title, body=body)
    report = report_create(reporter=by_name["dmitri"], kind=Case.Kind.TOPIC, reason=Reason.OFF_TOPIC, topic=topic,
                           note="The board's rules say no selling.")
    return report.case
