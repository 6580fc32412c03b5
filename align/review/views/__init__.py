"""The review app's screens, one router each: the route table is :data:`ROUTERS`."""
from __future__ import annotations

from align.review.views import alignment, flag, glossary, queue, session

ROUTERS = (queue.router, flag.router, alignment.router, glossary.router, session.router)
