"""What a web worker loads only when it first needs it, so that a worker serving pages stays small.

Celery (with kombu, billiard, click, yaml …, about 9 MiB a process) is loaded by the first request that
queues a task, not by every page: services queue tasks with `enqueue("app.tasks.name", …)`, which imports
the task's module (and with it `forum.celery`) on first use; the tasks modules are imported only by
Celery's workers and by `enqueue`, never by the code a page runs. Likewise a view whose module drags in
something heavy can be routed with `lazy_view("package.views.name")`.

`load` is the one place in the apps that imports a module inside a function besides Celery task bodies and
AppConfig.ready() (scripts/check_imports.py allows exactly this function); tests/test_web_memory.py checks
that a worker serving pages loads none of it.
"""
from django.utils.module_loading import import_string


def load(path: str):
    """The object at a dotted path ("notices.tasks.send_notice_email"), its module imported on first use."""
    return import_string(path)


def enqueue(task: str, *, args: tuple | list = (), kwargs: dict | None = None, **options) -> None:
    """Queue a Celery task by the dotted path of its function, with `apply_async`'s arguments and options:
    `enqueue("notices.tasks.send_notice_email", kwargs={"notice_id": 3})`. Run eagerly where Celery is
    configured so (no REDIS_URL; the tests)."""
    load(task).apply_async(args=args, kwargs=kwargs, **options)


def lazy_view(path: str):
    """A view for a URL pattern whose module is imported on its first request."""
    view = None

    def first_use(request, *args, **kwargs):
        nonlocal view
        if view is None:
            view = load(path)
        return view(request, *args, **kwargs)

    first_use.__name__ = first_use.__qualname__ = path.rpartition(".")[2]
    first_use.__module__ = path.rpartition(".")[0]
    first_use.lazy_path = path
    return first_use
