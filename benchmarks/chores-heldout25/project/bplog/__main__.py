from bplog.cli import main

raise SystemExit(main())
