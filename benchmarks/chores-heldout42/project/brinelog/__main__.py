from brinelog.cli import main

raise SystemExit(main())
