-- Which five outlets carried the most stories on each topic, and how many of those did they publish first?
SELECT topic, outlet, country, stories, copies, first_copies
FROM coverage_by_outlet
WHERE topic <> 'all'
QUALIFY row_number() OVER (PARTITION BY topic ORDER BY stories DESC, copies DESC, outlet) <= 5
ORDER BY topic, stories DESC, copies DESC, outlet;
