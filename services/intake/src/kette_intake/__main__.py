"""`python -m kette_intake` serves the API with the outbox relay."""

from kette_intake.app import main

main()
