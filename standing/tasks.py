"""Celery entry points for standing."""
from forum.celery import app
from standing.promotions import propose_moderators
from standing.ranks import recompute_ranks


@app.task(autoretry_for=(Exception,), retry_backoff=60, max_retries=3)
def recompute_ranks_nightly() -> dict:
    """Ranks for every member, then moderator proposals from the top rank."""
    result = recompute_ranks()
    proposals = propose_moderators()
    return {"members": result.members, "promoted": result.promoted, "dropped": result.dropped,
            "proposals": len(proposals), "seconds": round(result.seconds, 2)}
