import sys

from vmjit.cli import main

sys.exit(main())
