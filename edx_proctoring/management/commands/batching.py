"""Shared options of the batch commands: batch size and a pause between batches to spare the database."""

import time
from collections.abc import Iterator, Sequence


def add_batch_arguments(parser, *, default_batch_size: int = 300, default_sleep: float = 10) -> None:
    parser.add_argument("--batch_size", type=int, default=default_batch_size, help="rows per batch")
    parser.add_argument("--sleep_time", type=float, default=default_sleep, help="seconds to pause between batches")


def in_batches(items: Sequence, *, batch_size: int, sleep_time: float) -> Iterator[Sequence]:
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    for start in range(0, len(items), batch_size):
        if start:
            time.sleep(sleep_time)
        yield items[start : start + batch_size]
