"""``python -m osintkit``: the same command line as the ``osintkit`` script, for environments without it on PATH."""

from osintkit.cli import main

if __name__ == "__main__":
    main(prog_name="osintkit")
