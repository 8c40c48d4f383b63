-- Which defence officials and organisations are mentioned in the most stories, and by how many outlets?
SELECT name, kind, role, country, stories, copies, outlets, first_mentioned_at, last_mentioned_at
FROM person_coverage
ORDER BY stories DESC, copies DESC, name
LIMIT 30;
