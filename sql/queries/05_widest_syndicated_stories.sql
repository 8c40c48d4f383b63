-- The 20 stories that reached the most outlets, who published them first, and how fast they spread.
SELECT
    headline,
    wire_agency,
    first_published_at,
    first_outlet,
    outlets,
    copies,
    countries,
    median_hours_to_pickup,
    hours_to_last_pickup
FROM syndication_reach
ORDER BY outlets DESC, copies DESC, first_published_at
LIMIT 20;
