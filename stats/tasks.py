"""Celery entry points for stats."""
from forum.celery import app
from stats.rollup import rollup_catch_up


@app.task(autoretry_for=(Exception,), retry_backoff=60, max_retries=3)
def rollup_stats_nightly() -> dict:
    """Every day since the last rollup (and the last few again), up to yesterday. Idempotent."""
    result = rollup_catch_up()
    return {"days": len(result.days), "rows": result.rows, "seconds": round(result.seconds, 2)}
