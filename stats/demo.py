"""Demo history for stats: placeholder, filled in below."""


def add_history(sender=None, **kwargs) -> None:
    pass
