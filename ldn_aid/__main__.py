"""`python -m ldn_aid` is the same as the `ldn-aid` command."""

from ldn_aid.app import main

raise SystemExit(main())
