-- Per wire agency: what share of stories cite Chinese (Xinhua) or Russian (TASS) state media,
-- overall and for Sino-Russian military cooperation?
SELECT
    topic,
    wire_agency,
    stories,
    copies,
    stories_citing_xinhua,
    stories_citing_tass,
    share_citing_xinhua,
    share_citing_tass,
    share_citing_xinhua_or_tass
FROM coverage_by_agency
WHERE topic IN ('all', 'sino_russian_military')
ORDER BY topic, stories DESC, wire_agency;
