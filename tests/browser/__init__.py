"""Browser tests. A package, unlike the other test folders: its conftest.py then loads as
`browser.conftest` and leaves the module `conftest` (tests/conftest.py, which test modules
import REPO and SHARED_DATA from) in place."""
