"""What the bench's steps measured, per scale, for bench/compare.py: var/bench/steps-x<scale>.json holds one
entry per step (ranks, freshness, stats), each its figures in seconds."""
import json
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "var" / "bench"


def record_step(scale: int, step: str, figures: dict) -> None:
    """Keep `figures` as this scale's `step`, beside what the other steps recorded."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"steps-x{scale}.json"
    steps = json.loads(path.read_text()) if path.exists() else {}
    steps[step] = {**figures, "measured_at": time.strftime("%Y-%m-%d %H:%M:%S")}
    path.write_text(json.dumps(steps, indent=2))


def load(kind: str, scale: int) -> dict:
    """`kind` is pages or steps; an empty dict when that scale was not measured."""
    path = OUT / f"{kind}-x{scale}.json"
    return json.loads(path.read_text()) if path.exists() else {}
