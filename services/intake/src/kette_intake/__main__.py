"""`python -m kette_intake` serves the API with the outbox relay; see `--help`."""

import sys

from kette_intake.cli import main

sys.exit(main())
