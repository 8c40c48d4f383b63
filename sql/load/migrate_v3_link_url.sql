-- Schema version 3: articles stored before it were identified by the link they were fetched under.
UPDATE articles SET link_url = url WHERE link_url IS NULL;
