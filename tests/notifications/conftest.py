import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's on-commit callbacks (the fan-out task, eager in tests) as a real commit would."""
    def run(block):
        with django_capture_on_commit_callbacks(execute=True):
            return block()
    return run
