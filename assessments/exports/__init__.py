"""CSV and XLSX builders (and the team ratings import reader), one module per area."""
