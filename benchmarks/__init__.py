"""Benchmarks: each ``bench_<name>.py`` exposes ``run(quick: bool = False) -> list[dict]``; see ``__main__``."""
