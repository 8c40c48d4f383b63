-- How often do outlets run a wire story under a new headline? Per story with more than one copy:
-- copies, copies whose title differs from the story headline, and the distinct titles used.
SELECT
    f.headline,
    f.story_wire_agency                                        AS wire_agency,
    count(*)                                                   AS copies,
    count(*) FILTER (WHERE f.title IS DISTINCT FROM f.headline) AS copies_with_new_headline,
    count(DISTINCT f.title)                                    AS distinct_titles
FROM article_facts f
GROUP BY f.story_key, f.headline, f.story_wire_agency
HAVING count(*) > 1
ORDER BY copies_with_new_headline DESC, copies DESC, headline
LIMIT 30;
