-- How quickly does each outlet republish wire stories? Median and maximum hours between a story's
-- first copy and this outlet's copy, over the copies that were not first.
SELECT
    outlet,
    country,
    count(*)                              AS pickups,
    round(median(hours_after_first), 2)   AS median_hours_after_first,
    max(hours_after_first)                AS max_hours_after_first
FROM story_pickups
WHERE NOT is_first_copy AND hours_after_first IS NOT NULL
GROUP BY outlet, country
ORDER BY pickups DESC, outlet;
