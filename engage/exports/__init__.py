"""Row-level downloads of the responses: CSV, XLSX, JSON Lines, SPSS, data package, codebook."""
