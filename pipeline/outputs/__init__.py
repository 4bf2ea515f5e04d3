"""What the build hands to people: the Excel workbook and Parquet exports, the report, the data dictionary."""
