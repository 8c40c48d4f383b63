-- Where is each topic covered? Outlets, stories and copies by the outlet's country.
SELECT topic, country, outlets, stories, copies
FROM coverage_by_country
ORDER BY topic, stories DESC, country;
