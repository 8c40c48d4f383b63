-- LSH candidates: rows sharing a band key, published within $window_seconds of each other.
-- fw_bands(i, key, t) is a registered DataFrame: one row per (signature, band).
SELECT DISTINCT a.i AS i, b.i AS j
FROM fw_bands a
JOIN fw_bands b ON a.key = b.key AND a.i < b.i
WHERE abs(a.t - b.t) <= $window_seconds
