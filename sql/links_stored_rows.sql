-- The stored links of these rowids ($rowids: BIGINT[]): fetched row by row, where a filter on the story ids made the
-- scan read the evidence of every link (in a table of 400,000 links, 40 ms a batch).
SELECT rowid, story_a, story_b, language_a, language_b, score, evidence FROM story_links WHERE rowid = ANY($rowids)
