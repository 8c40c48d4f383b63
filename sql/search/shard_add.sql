-- Terms of the articles added to one shard table ({table}, a name made by search_index.shard_table).
INSERT INTO {table} (article_id, terms)
SELECT a.article_id, array_to_string(fw_search_terms(coalesce(a.title, '') || chr(10) || coalesce(a.text, '')), ' ')
FROM articles a JOIN search_changes c ON c.article_id = a.article_id
WHERE c.change = 'added' AND c.shard = $shard;
