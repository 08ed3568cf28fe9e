"""`python -m pipeline` runs the `yusuan` command."""

from pipeline.cli import main

main()
