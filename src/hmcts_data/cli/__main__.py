"""``python -m hmcts_data.cli``: the same command as the ``hmcts-data`` console script."""

from __future__ import annotations

import sys

from hmcts_data.cli import main

if __name__ == "__main__":
    sys.exit(main())
