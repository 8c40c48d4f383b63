"""Imported by the extraction pool's forkserver before it forks a worker: the modules and the compiled seeds
(tag rules, agency patterns, gazetteer, language model) are made once and shared by every worker (tasks.enrich.warm)."""

from forumwatch.tasks.enrich import warm

warm()
