import sys

from thaireport.pipeline.cli import main

sys.exit(main())
