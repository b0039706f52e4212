"""Demo content: a small, pleasant forum for `make run`, and a large deterministic one for the bench.

Both are bulk-loaded: rows are built in memory with their counters already right, posts are inserted
in time order (so ids grow with time, as they do on the live site), and each body is rendered once.
"""
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from boards import freshness, signals
from boards.models import Board, BoardModerator, Post, PostLike, Topic
from boards.rendering import render_markdown
from boards.services import board_moderator_add, make_slug, scheduled_topic_create, topic_create
from members.default_ladder import ensure_default_ladder
from members.models import MemberVisit, Rank, RankChange, RegistrationMode, User
from members.services import site_settings_update, user_update_preferences

DEMO_PASSWORD = "hearth-demo"  # noqa: S105 - documented demo accounts, local only


@dataclass
class PlannedPost:
    author: int  # index into users
    body: str
    at: datetime
    reply_to: int | None = None  # index into the topic's posts


@dataclass
class PlannedTopic:
    board: int
    title: str
    posts: list[PlannedPost] = field(default_factory=list)
    pinned: bool = False


SMALL_BOARDS = [
    ("Introductions", "introductions",
     "Say hello: who you are, what you bake, and what brought you here.",
     "1. Be kind. Everyone was a beginner once.\n2. One introduction per member, please."),
    ("Sourdough starters", "sourdough-starters",
     "Raising, feeding, reviving and troubleshooting sourdough starters.",
     "1. Say your flour, hydration and room temperature when asking for help.\n2. Photos help: link them."),
    ("Bread techniques", "bread-techniques",
     "Shaping, scoring, proofing, ovens and everything between mixing and the cooling rack.",
     "1. Stay on technique; recipes go in *Show your bake*.\n2. No selling."),
    ("Show your bake", "show-your-bake",
     "Share what came out of your oven, good or bad, with the recipe if you like.",
     "1. Constructive feedback only.\n2. Credit the recipe's author."),
    ("烘焙交流", "烘焙交流",
     "用中文交流烘焙心得：面包、酵种、工具。", "1. 友善交流。\n2. 请勿发广告。"),
    ("Site feedback", "site-feedback",
     "Ideas and problems with this forum itself.", "Report bugs with steps to reproduce."),
    ("Regulars' lounge", "regulars-lounge",
     "A quieter room for members from the Regular rank up: plans, experiments and the forum's future.",
     "1. What is said here stays friendly.\n2. Ideas for the forum are welcome; decisions are made in the open."),
]
LOUNGE = 6  # the board above: read from the Regular rank up (the board's moderators and admins always)
LOUNGE_RANK = 2  # Regular, in the default ladder

# The lounge's topics: (title, [(author, body), …]), authors among the demo's Regulars and up (users 0–3).
LOUNGE_TOPICS = [
    ("A baking day for the regulars?", [
        (1, "Some of us live close enough to bake together. A Saturday in spring, in someone's kitchen?"),
        (2, "Count me in. I can bring a spare Dutch oven and a jar of rye starter."),
        (0, "Lovely idea. Let's fix a date here, then tell the rest of the forum in *Introductions*."),
    ]),
    ("Ideas for the newcomers' guide", [
        (3, "Newcomers ask the same five questions about starters. Shall we write one guide together and pin it?"),
        (1, "Yes: feeding ratios, temperature, the acetone smell, and when to give up and start again."),
    ]),
    ("Experiment log: 90% hydration", [
        (2, "Week two of very wet doughs. Notes so far:\n\n- coil folds beat stretch and folds\n"
            "- a cold bench helps\n- I still can't shape it"),
        (3, "Try a wetter hand and a bench scraper, and shape straight into the banneton."),
    ]),
]

SMALL_USERS = ["mara", "bao", "carmen", "dmitri", "李雷", "ngozi", "oskar", "priya"]

SMALL_TOPICS = [
    (0, "Hello from a rainy harbour town", 0, [
        "Hi all! I'm **Mara**. I've baked sandwich loaves for years and I'm finally trying sourdough.",
        "Welcome, Mara! Rainy towns make great bread weather: slow, cool proofs.",
        "Welcome aboard. Start a thread in *Sourdough starters* when yours gets going.",
    ]),
    (0, "New here: retired engineer, obsessive about crumb", 3, [
        "I measure everything. Hydration spreadsheets included. Happy to share them.",
        "Please do share the spreadsheet!",
    ]),
    (1, "My starter smells like nail polish remover: is it dead?", 1, [
        "Day 9. It doubled on day 4, now it barely rises and smells of acetone. Flour is 100% whole wheat, "
        "kitchen about 19 °C.",
        "Not dead, just hungry. Acetone means it ran out of food. Feed it **twice a day** at 1:2:2 for a few days.",
        "Seconds that. And a little rye in the feed wakes it up.",
        "Fed it twice yesterday and it doubled in 6 hours this morning. Thank you!",
    ]),
    (1, "How cold is too cold for a starter?", 4, [
        "My flat is 15 °C in winter. Is that a problem?",
        "It will be slow, not dead. Find a warm spot: the top of the fridge or an oven with the light on.",
    ]),
    (2, "Scoring: why does my ear never open?", 2, [
        "I score at 30° with a razor, about 1 cm deep, but the loaf just spreads. Tips?",
        "Usually it's the shaping, not the scoring. Build more surface tension when you pre-shape.",
        "Also: score straight from the fridge. A cold dough holds the cut.",
    ]),
    (2, "Dutch oven or baking steel?", 5, [
        "Which one gives better oven spring for a home oven?",
        "Dutch oven for boules, steel plus a tray of water for baguettes.\n\n| tool | best for |\n|---|---|\n"
        "| Dutch oven | boules, batards |\n| steel | baguettes, pizza |",
    ]),
    (3, "First open crumb!", 0, [
        "After six weeks, a crumb I'm proud of. 75% hydration, 20% whole wheat, 14-hour cold retard.",
        "That's beautiful. What temperature did you bake at?",
        "250 °C lid on for 20 minutes, 230 °C lid off for 25.",
    ]),
    (3, "Rye experiment: 100% rye with caraway", 3, [
        "Dense but delicious. Recipe:\n\n- 500 g rye\n- 400 g water\n- 100 g starter\n- 10 g salt\n- caraway",
        "Rye is supposed to be dense. Slice it thin and wait a day before cutting!",
    ]),
    (4, "第一次做欧包，求指导", 4, [
        "用了高筋粉和全麦粉各一半，发酵八小时，但是组织很紧。大家有什么建议？",
        "可以试试提高含水量到七成五，再延长冷藏发酵。",
    ]),
    (4, "酵种养了一周还是不发", 1, [
        "我的酵种养了七天，每天喂两次，还是没有明显的气泡。室温大约二十度，用的是普通面粉。",
        "试试加一点黑麦粉，放在温暖的地方。上海的冬天屋里比较冷，酵种会慢很多。",
        "谢谢！换了黑麦粉以后第二天就翻倍了，味道也变香了。",
    ]),
    (5, "Welcome to Hearth: how this forum works", 7, [
        "This forum is for home bakers. A few things to know:\n\n1. Each board says what it's for at the top.\n"
        "2. Your first posts may wait for a moderator.\n3. Be kind.\n\nQuestions? Reply here.",
    ]),
]


def make_users(names: list[str], *, joined: list[datetime]) -> list[User]:
    password = make_password(DEMO_PASSWORD)
    users = [
        User(username=name, email=f"member{i}@example.com", password=password, email_verified=True,
             date_joined=when, is_active=True)
        for i, (name, when) in enumerate(zip(names, joined, strict=True))
    ]
    User.objects.bulk_create(users, batch_size=2000)
    if users and users[0].pk is None:  # databases that do not return ids from bulk inserts
        by_name = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
        for user in users:
            user.pk = user.id = by_name[user.username]
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=u.pk, email=u.email, primary=True, verified=True) for u in users], batch_size=2000)
    return users


def _load(boards_spec: list[tuple[str, str, str, str]], users: list[User], plan: list[PlannedTopic]) -> None:
    """Insert boards, topics and posts with every counter right."""
    boards = [
        Board(name=name, slug=slug, description=focus, rules=rules,
              rules_html=render_markdown(rules) if rules else "", position=i)
        for i, (name, slug, focus, rules) in enumerate(boards_spec)
    ]
    Board.objects.bulk_create(boards)
    boards = list(Board.objects.order_by("position", "id"))

    rendered: dict[str, str] = {}

    def html(body: str) -> str:
        if body not in rendered:
            rendered[body] = render_markdown(body)
        return rendered[body]

    topics = []
    for spec in plan:
        first, last = spec.posts[0], spec.posts[-1]
        topics.append(Topic(board=boards[spec.board], author=users[first.author], title=spec.title,
                            slug=make_slug(spec.title), is_pinned=spec.pinned, created_at=first.at,
                            last_post_at=last.at, post_count=len(spec.posts)))
    Topic.objects.bulk_create(topics, batch_size=2000)

    # Every post, in time order, so that ids grow with time as they do on the live site.
    flat = [(planned.at, t_index, position) for t_index, spec in enumerate(plan)
            for position, planned in enumerate(spec.posts, start=1)]
    flat.sort()
    post_ids: dict[tuple[int, int], int] = {}
    batch: list[tuple[tuple[int, int], Post]] = []

    def flush():
        Post.objects.bulk_create([p for _, p in batch], batch_size=len(batch))
        for key, p in batch:
            post_ids[key] = p.pk
        batch.clear()

    # Replies point at earlier posts, which are always inserted earlier: flush before referencing.
    for at, t_index, position in flat:
        planned = plan[t_index].posts[position - 1]
        reply_to_id = None
        if planned.reply_to is not None:
            key = (t_index, planned.reply_to + 1)
            if key not in post_ids:
                flush()
            reply_to_id = post_ids[key]
        post = Post(topic=topics[t_index], author=users[planned.author], position=position, body=planned.body,
                    body_html=html(planned.body), created_at=at, reply_to_id=reply_to_id)
        batch.append(((t_index, position), post))
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()

    for t_index, topic in enumerate(topics):
        topic.first_post_id = post_ids[(t_index, 1)]
        topic.last_post_id = post_ids[(t_index, topic.post_count)]
    Topic.objects.bulk_update(topics, ["first_post", "last_post"], batch_size=1000)

    board_stats = {b.pk: [0, 0, None] for b in boards}
    user_stats: dict[int, list[int]] = {u.pk: [0, 0] for u in users}
    for spec, topic in zip(plan, topics, strict=True):
        stats = board_stats[topic.board_id]
        stats[0] += 1
        stats[1] += len(spec.posts)
        stats[2] = max(stats[2] or 0, topic.last_post_id)
        user_stats[users[spec.posts[0].author].pk][1] += 1
        for planned in spec.posts:
            user_stats[users[planned.author].pk][0] += 1
    for board in boards:
        board.topic_count, board.post_count, board.last_post_id = board_stats[board.pk]
    Board.objects.bulk_update(boards, ["topic_count", "post_count", "last_post"])
    # a board is older than its first topic (created "now", every board would look too young to judge)
    first_topic = {}
    for spec, topic in zip(plan, topics, strict=True):
        first_topic[topic.board_id] = min(first_topic.get(topic.board_id, spec.posts[0].at), spec.posts[0].at)
    for board in boards:
        if board.pk in first_topic:
            board.created_at = first_topic[board.pk] - timedelta(days=1)
    Board.objects.bulk_update(boards, ["created_at"])
    for user in users:
        user.post_count, user.topic_count = user_stats[user.pk]
    User.objects.bulk_update(users, ["post_count", "topic_count"], batch_size=1000)
    signals.posts_loaded.send(sender=Post)  # what is kept per post elsewhere (the search index) catches up


@transaction.atomic
def seed_small() -> None:
    """About 120 days of believable history: founders, then members joining faster and faster, topics
    answered quickly, a few late and a few never, visits, likes and promotions. Deterministic (a seeded
    random generator, times counted back from now)."""
    now = timezone.now().replace(microsecond=0)
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    founders = [now - timedelta(days=DEMO_DAYS + 10 - i * 3) for i in range(len(SMALL_USERS))]
    newcomers = [now - timedelta(days=int(DEMO_DAYS * (1 - ((i + 1) / DEMO_NEWCOMERS) ** 0.7)) + 1,
                                 hours=rng.randint(0, 20)) for i in range(DEMO_NEWCOMERS)]
    users = make_users(SMALL_USERS + [f"baker{i + 1:02d}" for i in range(DEMO_NEWCOMERS)],
                        joined=founders + newcomers)
    joined = founders + newcomers
    plan = _history_plan(rng, now, joined)
    for i, (board, title, author, bodies) in enumerate(SMALL_TOPICS):
        start = now - timedelta(days=20 - i * 2, hours=rng.randint(0, 12))
        posts = []
        for j, body in enumerate(bodies):
            who = author if j == 0 else (author + j * 3) % len(SMALL_USERS)
            if j and who == author and j != len(bodies) - 1:
                who = (who + 1) % len(SMALL_USERS)
            posts.append(PlannedPost(author=who, body=body, at=start + timedelta(hours=j * 3 + rng.randint(0, 2)),
                                     reply_to=(j - 1) if j >= 2 else None))
        plan.append(PlannedTopic(board=board, title=title, posts=posts, pinned=(board == 5)))
    for i, (title, posts) in enumerate(LOUNGE_TOPICS):  # fixed times: the rest of the demo stays as it was
        start = now - timedelta(days=15 - i * 5, hours=2 * i)
        plan.append(PlannedTopic(board=LOUNGE, title=title, posts=[
            PlannedPost(author=who, body=body, at=start + timedelta(hours=5 * j))
            for j, (who, body) in enumerate(posts)]))
    _load(SMALL_BOARDS + [QUIET_BOARD], users, plan + _quiet_board_topics(now, board=len(SMALL_BOARDS)))
    _demo_standing(users)
    _demo_activity(rng, now, users, joined)
    site_settings_update(registration_mode=RegistrationMode.OPEN)  # the demo lets anyone sign up
    _demo_first_run(users)
    signals.demo_seeded.send(sender=Board, users=users)


DEMO_DAYS = 120
DEMO_NEWCOMERS = 40
DEMO_TITLES = [
    "Best flour for a first loaf?", "Why is my crust so pale?", "Overnight proof in the fridge: how long?",
    "Starter went flat after travel", "Banneton or bowl with a towel?", "Sticky dough, what am I doing wrong?",
    "Rye starter vs wheat starter", "My loaf is gummy inside", "How much steam in a home oven?",
    "Stretch and folds: how many?", "Focaccia that stays soft", "Whole wheat that rises", "Scoring patterns",
    "Bagels: boil or steam?", "Cold kitchen, slow rise", "Salt: when to add it?", "Baguette shaping help",
    "Levain timing for a morning bake", "Hydration numbers explained?", "Seeded crust that stays on",
    "Is a lame worth it?", "Spelt loaf collapsed", "Brioche by hand", "Sourdough pizza schedule",
]


def _history_plan(rng: random.Random, now: datetime, joined: list[datetime]) -> list[PlannedTopic]:
    """Generated topics over the demo's days: most answered within hours, a few late, a few never."""
    plan = []
    for n in range(78):
        start = now - timedelta(days=DEMO_DAYS - 3 - n * (DEMO_DAYS - 6) / 78, hours=rng.randint(0, 12))
        members = [i for i, when in enumerate(joined) if when < start]
        author = rng.choice(members)
        posts = [PlannedPost(author=author, body=_body(rng), at=start)]
        roll = rng.random()
        if n % 13 == 5:
            replies, delay = 0, 0.0  # never answered
        else:
            replies = rng.randint(1, 5)
            delay = rng.uniform(0.3, 8) if roll < 0.7 else rng.uniform(8, 30) if roll < 0.92 else rng.uniform(30, 80)
        at = start + timedelta(hours=delay)
        for r in range(replies):
            helpers = [i for i, when in enumerate(joined) if when < at and i != author]
            if at >= now - timedelta(minutes=10) or not helpers:
                break
            who = rng.choice(helpers) if r or rng.random() > 0.1 else author
            posts.append(PlannedPost(author=who, body=_body(rng), at=at,
                                     reply_to=0 if r and rng.random() < 0.3 else None))
            at += timedelta(hours=rng.uniform(1, 20))
        plan.append(PlannedTopic(board=rng.choice([0, 1, 1, 2, 2, 3, 4, 5]), title=DEMO_TITLES[n % len(DEMO_TITLES)],
                                 posts=posts))
    return plan


def _demo_activity(rng: random.Random, now: datetime, users: list[User], joined: list[datetime]) -> None:
    """Visits (each member keeps a habit of their own, some fading away), likes, and rank history."""
    today = timezone.localdate(now)
    visits = []
    for user, when in zip(users, joined, strict=True):
        habit, fades = rng.uniform(0.15, 0.8), rng.random() < 0.35
        first = timezone.localdate(when)
        for k in range((today - first).days + 1):
            chance = habit * (0.97 ** k if fades else 1.0)
            if k == 0 or rng.random() < chance:
                visits.append(MemberVisit(member_id=user.pk, day=first + timedelta(days=k)))
    MemberVisit.objects.bulk_create(visits, batch_size=2000)
    per_member = MemberVisit.objects.filter(member_id=OuterRef("pk")).order_by().values("member_id")
    User.objects.filter(pk__in=[u.pk for u in users]).update(
        days_visited=Subquery(per_member.annotate(n=Count("id")).values("n")),
        last_visit_on=Subquery(per_member.annotate(last=Max("day")).values("last")))

    likes, moments = [], []
    # only members who may read a board like its posts (the lounge's: its Regulars and up)
    regulars = [u for u, order in zip(users, [4, 3, 2, 2], strict=False) if order >= LOUNGE_RANK]
    for post in (Post.objects.filter(position__gt=1).order_by("id")
                 .values("id", "author_id", "created_at", "topic__board__view_rank_id")):
        if rng.random() < 0.45:
            crowd = users if post["topic__board__view_rank_id"] is None else regulars
            likers = rng.sample([u for u in crowd if u.pk != post["author_id"]], rng.randint(1, 3))
            for liker in likers:
                likes.append(PostLike(post_id=post["id"], member_id=liker.pk))
                moments.append(min(post["created_at"] + timedelta(hours=rng.uniform(0.5, 30)),
                                   now - timedelta(minutes=5)))
    PostLike.objects.bulk_create(likes, batch_size=2000)
    for like, when in zip(likes, moments, strict=True):  # auto_now_add stamped them all now: back to their moment
        like.created_at = when
    PostLike.objects.bulk_update(likes, ["created_at"], batch_size=2000)
    Post.objects.update(like_count=Coalesce(Subquery(PostLike.objects.filter(post_id=OuterRef("pk")).order_by()
                                                     .values("post_id").annotate(n=Count("id")).values("n")), 0))
    given = PostLike.objects.filter(member_id=OuterRef("pk")).order_by().values("member_id").annotate(n=Count("id"))
    received = PostLike.objects.filter(post__author_id=OuterRef("pk")).order_by().values("post__author_id").annotate(
        n=Count("id"))
    User.objects.update(likes_given=Coalesce(Subquery(given.values("n")), 0),
                        likes_received=Coalesce(Subquery(received.values("n")), 0))

    # rank history: each founder climbed to their rank step by step; newcomers who came back became Members
    ladder = {r.order: r for r in Rank.objects.all()}
    changes = []
    orders = [4, 3, 2, 2, 1, 1, 1, 0]
    for user, when, order in zip(users, joined, orders + [0] * DEMO_NEWCOMERS, strict=True):
        for step in range(1, order + 1):
            changes.append((RankChange(member_id=user.pk, kind=RankChange.Kind.PROMOTED, from_rank=ladder[step - 1],
                                       to_rank=ladder[step], reason="Demo"),
                            when + timedelta(days=3 + 25 * (step - 1))))
    member_rank = ladder[1]
    for user, when in list(zip(users, joined, strict=True))[len(SMALL_USERS):]:
        if when < now - timedelta(days=4) and rng.random() < 0.6:
            promoted = when + timedelta(days=rng.randint(2, 4), hours=rng.randint(0, 20))
            changes.append((RankChange(member_id=user.pk, kind=RankChange.Kind.PROMOTED, from_rank=ladder[0],
                                       to_rank=member_rank, reason="Demo"), promoted))
            User.objects.filter(pk=user.pk).update(rank=member_rank, rank_order=1)
    for user in users[5:7]:  # two Regulars who went quiet and dropped back
        changes.append((RankChange(member_id=user.pk, kind=RankChange.Kind.DROPPED, from_rank=ladder[2],
                                   to_rank=ladder[1], reason="Demo"), now - timedelta(days=rng.randint(3, 40))))
    changes.append((RankChange(member_id=users[0].pk, kind=RankChange.Kind.MODERATOR_GRANTED,
                               board=Board.objects.get(slug="sourdough-starters"), reason="Demo"),
                    now - timedelta(days=50)))
    RankChange.objects.bulk_create([c for c, _ in changes])
    for change, when in changes:
        change.created_at = min(when, now)
    RankChange.objects.bulk_update([c for c, _ in changes], ["created_at"])


def _demo_standing(users: list[User]) -> None:
    """Give the demo members ranks (and one a board to moderate) so badges and roles show at once."""
    ensure_default_ladder(Rank)
    ladder = {r.order: r for r in Rank.objects.all()}
    orders = [4, 3, 2, 2, 1, 1, 1, 0]
    for user, order in zip(users, orders, strict=False):
        rank = ladder.get(order)
        # demo posts count as approved, so nobody's next post waits
        User.objects.filter(pk=user.pk).update(rank=rank, rank_order=order, approved_posts=user.post_count or 0,
                                               days_visited=10 * (order + 1), rank_locked=order == 4)
    BoardModerator.objects.create(board=Board.objects.get(slug="sourdough-starters"), member=users[0],
                                  reason="Demo: cares for the starters board.")
    Board.objects.filter(slug=SMALL_BOARDS[LOUNGE][1]).update(view_rank=ladder.get(LOUNGE_RANK))


# --- a first run that shows everything -----------------------------------------------------------------------------
# What a new admin should find after `make run`: a quiet board (it has had its freshness reminder, and its
# moderator scheduled a seed topic for it), and a newcomer's first post waiting for approval. Written through
# the real services, so counters, cases, notices and logs are what the live site would make. Higher layers add
# theirs on boards.signals.demo_seeded: open report cases (moderation/demo.py), a moderator proposal
# (standing/demo.py), unread notifications (notifications/demo.py).

QUIET_BOARD = ("Cakes and pastry", "cakes-and-pastry",
               "Croissants, laminated doughs, cakes and other sweet bakes.",
               "1. Sweet bakes only: bread goes in *Bread techniques*.\n2. Say your oven and your butter's brand.")
QUIET_MODERATOR = 6  # oskar: moderates the quiet board, and asked for its freshness reminders
HELD_POST = ("Hello from a first-time baker",
             "Hi everyone! I just bought a bag of rye flour and a kitchen scale. My first starter is on day two. "
             "Any advice for a complete beginner?")
SEED_TOPIC = ("What is your favourite winter bake?",
              "Cinnamon buns, stollen, a plain apple cake? Tell us what you bake when it gets cold, and share the "
              "recipe if you like.")


def _quiet_board_topics(now: datetime, *, board: int) -> list[PlannedTopic]:
    """A board that never took off: two topics over three months, two posts in the last 90 days and none in
    the last 50 (so the focus advice names it, and the freshness check finds it quiet)."""
    return [
        PlannedTopic(board=board, title="Croissant lamination: the butter keeps breaking", posts=[
            PlannedPost(author=2, at=now - timedelta(days=95, hours=3),
                        body="Every time I roll out the dough, the butter layer shatters into pieces. Too cold?"),
            PlannedPost(author=4, at=now - timedelta(days=94, hours=20),
                        body="Yes: let the butter block warm until it bends without snapping, about 13 °C."),
        ]),
        PlannedTopic(board=board, title="Anyone tried kouign-amann?", posts=[
            PlannedPost(author=3, at=now - timedelta(days=52, hours=5),
                        body="Saw them in a bakery in Brittany. Is it worth trying at home?"),
            PlannedPost(author=2, at=now - timedelta(days=50, hours=2),
                        body="Worth it, but make them on a cold day: the sugar melts into the butter otherwise."),
        ]),
    ]


def _demo_first_run(users: list[User]) -> None:
    quiet = Board.objects.get(slug=QUIET_BOARD[1])
    _demo_quiet_board_moderator(quiet, users[QUIET_MODERATOR])
    _demo_held_post()
    _demo_freshness_reminder()
    _demo_seed_topic(quiet, User.objects.get(pk=users[QUIET_MODERATOR].pk))  # as a moderator now


def _demo_quiet_board_moderator(board: Board, member: User) -> None:
    board_moderator_add(board=board, member=member, granted_by=None, reason="Demo: looks after the sweet bakes.")
    user_update_preferences(user=member, board_freshness_reminders=True)


def _demo_held_post() -> Topic:
    """The newest member who has not posted yet introduces themselves: as a Newcomer's first post, it waits
    in the approval queue (and, the forum being young, the admins are told at once)."""
    newcomer = (User.objects.filter(is_superuser=False, post_count=0, rank__isnull=True)
                .order_by("-date_joined", "-id").first())
    title, body = HELD_POST
    return topic_create(board=Board.objects.get(slug="introductions"), author=newcomer, title=title, body=body)


def _demo_freshness_reminder() -> None:
    """Today's freshness check, run now: the quiet board (and, in the launch phase, whichever others count
    as quiet) is in the admins' reminder and in its moderator's."""
    freshness.send_freshness_reminders(freshness.today())


def _demo_seed_topic(board: Board, moderator: User) -> None:
    """The quiet board's moderator answered the reminder with a seed topic for tomorrow morning."""
    tomorrow = freshness.as_of(freshness.today() + timedelta(days=1))
    title, body = SEED_TOPIC
    scheduled_topic_create(author=moderator, board=board, title=title, body=body, publish_at=tomorrow)


WORDS = ("crumb crust starter levain hydration flour rye spelt proof retard shape score oven steam bake loaf "
         "boule batard baguette knead fold autolyse salt water yeast banneton lame temperature dough gluten "
         "sourdough focaccia ciabatta brioche butter honey seed oat malt").split()


def _body(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        sentence_count = rng.randint(1, 4)
        sentences = []
        for _ in range(sentence_count):
            words = rng.choices(WORDS, k=rng.randint(6, 16))
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    if rng.random() < 0.15:
        paragraphs.append("- " + "\n- ".join(rng.choices(WORDS, k=3)))
    if rng.random() < 0.1:
        paragraphs.append(f"**{rng.choice(WORDS)}** and *{rng.choice(WORDS)}*, see https://example.com/{rng.choice(WORDS)}")
    return "\n\n".join(paragraphs)


# Common words for the Chinese share of the large forum: searches in Chinese have something to find.
ZH_WORDS = ("面包 酵种 面粉 发酵 温度 烤箱 时间 水分 味道 黑麦 全麦 黄油 鸡蛋 牛奶 酵母 面团 揉面 整形 冷藏 "
            "今天 已经 可以 觉得 因为 所以 问题 方法 朋友 学习 我们 大家 一点 非常 还是 这个 没有 成功 失败 "
            "上海 北京 厨房 早餐 蛋糕 饼干 比例 配方 小时 分钟").split()
ZH_SHARE = 0.2  # of the posts get a Chinese paragraph


def _chinese_paragraph(rng: random.Random) -> str:
    sentences = ["".join(rng.choices(ZH_WORDS, k=rng.randint(5, 12))) + "。" for _ in range(rng.randint(1, 4))]
    return "".join(sentences)


@dataclass
class LargePlan:
    """The large forum, planned but not loaded: what `seed_large` inserts (and bench/fastseed.py too)."""
    boards: list[tuple[str, str, str, str]]  # name, slug, focus, rules
    usernames: list[str]
    joined: list[datetime]
    topics: list[PlannedTopic]


def plan_large(*, boards: int, users: int, topics: int, posts: int, seed: int, long_topic: int = 4000) -> LargePlan:
    """A deterministic large forum: the same plan for the same arguments. Topic 1 is a long topic
    (`long_topic` posts) for deep-page tests; each topic's post times strictly increase."""
    if topics < 1 or posts < topics or boards < 1 or users < 1:
        raise ValueError("need at least one board, user and topic, and at least one post per topic")
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    now = timezone.now().replace(microsecond=0)
    span = timedelta(days=365)
    start = now - span
    usernames = [f"member{i:05d}" for i in range(users)]
    joined = [start - timedelta(days=rng.randint(1, 400)) for _ in range(users)]
    boards_spec = [(f"Board {i + 1}", f"board-{i + 1}", f"Focus of board {i + 1}: " + " ".join(rng.choices(WORDS, k=8)),
                    "1. Be kind.\n2. Stay on topic.") for i in range(boards)]
    bodies = [_body(rng) for _ in range(400)]
    # a separate generator, so that the English forum stays what it was for a given seed
    zh_rng = random.Random(seed * 7919 + 1)  # noqa: S311 - demo data, not security
    mixed_bodies = [f"{body}\n\n{_chinese_paragraph(zh_rng)}" for body in bodies]

    # posts per topic: one each, the long topic gets its share, the rest spread at random
    counts = [1] * topics
    long_topic = min(long_topic, posts - (topics - 1))
    counts[0] = long_topic
    remaining = posts - sum(counts)
    for _ in range(remaining):
        counts[rng.randrange(1, topics) if topics > 1 else 0] += 1

    plan = []
    for t in range(topics):
        t_start = start + timedelta(seconds=rng.randint(0, int(span.total_seconds() * 0.9)))
        gap = (now - t_start).total_seconds() / (counts[t] + 1)
        title = " ".join(rng.choices(WORDS, k=rng.randint(3, 8))).capitalize()
        if t == 0:
            title = "The long topic: " + title
            t_start = start
            gap = span.total_seconds() / (counts[t] + 1)
        plan_posts = []
        for p in range(counts[t]):
            at = t_start + timedelta(seconds=int(gap * p) + rng.randint(0, max(int(gap) - 1, 0)) // 2)
            reply_to = rng.randrange(0, p) if p and rng.random() < 0.2 else None
            which = rng.randrange(len(bodies))  # the same draw as rng.choice(bodies)
            body = mixed_bodies[which] if zh_rng.random() < ZH_SHARE else bodies[which]
            plan_posts.append(PlannedPost(author=rng.randrange(users), body=body, at=at, reply_to=reply_to))
        # keep each topic's times strictly increasing
        for a, b in zip(plan_posts, plan_posts[1:], strict=False):
            if b.at <= a.at:
                b.at = a.at + timedelta(seconds=1)
        plan.append(PlannedTopic(board=t % boards, title=title, posts=plan_posts, pinned=(t < boards and t > 0
                                                                                          and rng.random() < .3)))
    return LargePlan(boards=boards_spec, usernames=usernames, joined=joined, topics=plan)


@transaction.atomic
def seed_large(*, boards: int, users: int, topics: int, posts: int, seed: int, long_topic: int = 4000) -> None:
    """A deterministic large forum (see plan_large), loaded through the ORM: any database."""
    plan = plan_large(boards=boards, users=users, topics=topics, posts=posts, seed=seed, long_topic=long_topic)
    _load(plan.boards, make_users(plan.usernames, joined=plan.joined), plan.topics)
