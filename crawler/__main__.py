"""`python -m crawler` is the `scout` command."""

from crawler.cli import main

main()
