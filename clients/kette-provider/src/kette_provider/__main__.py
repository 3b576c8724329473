"""`python -m kette_provider`, the same as the `kette-provider` command."""

from kette_provider.cli import main

main()
