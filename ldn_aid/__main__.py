"""`python -m ldn_aid` runs the command line (and, with no arguments, the wizard)."""

from ldn_aid.cli import main

raise SystemExit(main())
