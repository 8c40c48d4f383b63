"""Imported by the extraction pool's forkserver before it forks a worker: the modules and the compiled seeds
(tag rules, agency patterns, gazetteer, language model) are made once and shared by every worker (tasks.enrich.warm).
They are frozen out of the cycle collector (gc.freeze, as Python's gc docs advise before forking): a worker's full
collections then skip them, and do not write to (and so copy) the pages it shares with the forkserver."""

import gc

from forumwatch.tasks.enrich import warm

warm()
gc.freeze()
